using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.Client;

/// <summary>The typed client of berthd's REST API over its unix socket; one method per call.</summary>
/// <remarks>Serialization goes through the source-generated BerthJson context only, so the client is NativeAOT-safe.</remarks>
public sealed partial class BerthClient : IDisposable
{
    public const string DefaultSocketPath = "/run/berth/berth.sock";
    public const string SocketEnvironmentVariable = "BERTH_SOCKET";

    private static readonly MediaTypeHeaderValue s_json = new("application/json");
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _http;

    public BerthClient(string? socketPath = null)
    {
        SocketPath = ResolveSocketPath(socketPath);
        _handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            // One short-lived CLI process: no pooling games, but keep the connection for a few calls.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(_handler, disposeHandler: false)
        {
            BaseAddress = new Uri("http://berthd/"),
            // Create and stop wait for the instance (stop up to its timeout): the caller cancels, not a clock.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string SocketPath { get; }

    /// <summary>The socket to use: the one given, else $BERTH_SOCKET, else /run/berth/berth.sock.</summary>
    public static string ResolveSocketPath(string? given)
    {
        if (!string.IsNullOrEmpty(given))
        {
            return given;
        }

        string? env = Environment.GetEnvironmentVariable(SocketEnvironmentVariable);
        return string.IsNullOrEmpty(env) ? DefaultSocketPath : env;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException(Describe(e), e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Says why a unix socket did not connect in words people know (ENOENT reads "Cannot assign requested address" otherwise).</summary>
    private string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable when !File.Exists(SocketPath) => "no such socket",
        SocketError.AddressNotAvailable or SocketError.ConnectionRefused => "connection refused",
        SocketError.AccessDenied => "permission denied; berthd's socket is for root",
        _ => e.Message,
    };

    /// <summary>Opens a WebSocket on <paramref name="path"/> over the same unix socket.</summary>
    public async Task<WebSocket> ConnectWebSocketAsync(string path, CancellationToken ct = default)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
            await socket.ConnectAsync(new Uri("ws://berthd/" + path.TrimStart('/')), invoker, ct).ConfigureAwait(false);
            return socket;
        }
        catch (WebSocketException e)
        {
            socket.Dispose();
            if (e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } h)
            {
                throw new BerthUnreachableException(SocketPath, h.InnerException ?? h);
            }

            if (e.WebSocketErrorCode == WebSocketError.NotAWebSocket)
            {
                // The daemon refused the upgrade: ask again with plain HTTP to read its problem+json.
                await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            }

            throw;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using HttpResponseMessage response = await SendAsync(method, path, body, ct).ConfigureAwait(false);
        await using Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        try
        {
            return await JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"berthd answered {method} /{path} with an empty body");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"berthd answered {method} /{path} with JSON this berth does not understand: {e.Message}", e);
        }
    }

    /// <summary>Sends one request; any non-success status becomes a <see cref="BerthApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new BerthUnreachableException(SocketPath, e.InnerException ?? e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            byte[] bytes = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            throw new BerthApiException((int)response.StatusCode, ProblemReader.Read((int)response.StatusCode, response.ReasonPhrase, bytes));
        }
    }

    private static ByteArrayContent RawJson(ReadOnlyMemory<byte> json)
    {
        return new ByteArrayContent(json.ToArray()) { Headers = { ContentType = s_json } };
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> type) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, type)) { Headers = { ContentType = s_json } };

    private static string Escape(string id) => Uri.EscapeDataString(id);

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}
