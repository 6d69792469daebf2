using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Berth.Core.Instances.Vms.Qmp;

/// <summary>An asynchronous QMP event (SHUTDOWN, POWERDOWN, STOP, RESET...).</summary>
/// <param name="Data">the event's data object, or an empty object</param>
public sealed record QmpEvent(string Name, JsonElement Data, DateTimeOffset Timestamp);

/// <summary>An error answer of QEMU to a command: its class (CommandNotFound, GenericError...) and description.</summary>
public sealed class QmpException(string command, string errorClass, string description)
    : Exception($"QMP command {command} failed: {errorClass}: {description}")
{
    public string ErrorClass { get; } = errorClass;
}

/// <summary>
/// A client of the QEMU Machine Protocol over a unix socket: line-delimited JSON, a greeting, capability negotiation,
/// commands matched to answers by id, and asynchronous events delivered on <see cref="Events"/>.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Channel<QmpEvent> _events = Channel.CreateUnbounded<QmpEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly TaskCompletionSource<JsonElement> _greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closing = new();
    private Task? _reader;
    private long _nextId;

    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The greeting's QEMU version object ({"qemu": {"major": 7, ...}, "package": ...}).</summary>
    public JsonElement Version { get; private set; }

    /// <summary>Events in arrival order; completes when QEMU closes the connection (it exited).</summary>
    public ChannelReader<QmpEvent> Events => _events.Reader;

    /// <summary>Completes when QEMU closes the connection.</summary>
    public Task Closed => _reader ?? Task.CompletedTask;

    /// <summary>Connects, reads the greeting and leaves capability negotiation mode.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken ct = default)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"Failed connecting to QMP at \"{socketPath}\": {e.Message}", e);
        }

        var client = new QmpClient(socket);
        try
        {
            client._reader = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            JsonElement greeting = await client._greeting.Task.WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            client.Version = greeting.GetProperty("QMP").GetProperty("version").Clone();
            await client.ExecuteAsync("qmp_capabilities", null, ct).ConfigureAwait(false);
            return client;
        }
        catch (Exception e)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"Failed connecting to QMP at \"{socketPath}\": {e.Message}", e);
        }
    }

    /// <summary>Runs a command and returns its "return" value.</summary>
    /// <exception cref="QmpException">QEMU answered with an error.</exception>
    /// <exception cref="IOException">the connection closed before the answer.</exception>
    public async Task<JsonElement> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken ct = default)
    {
        long id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var request = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        byte[] line = Encoding.UTF8.GetBytes(request.ToJsonString() + "\n");
        try
        {
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await _stream.WriteAsync(line, ct).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }

            if (_reader is { IsCompleted: true })
            {
                answer.TrySetException(new IOException("QMP connection closed"));
            }

            JsonElement response = await answer.Task.WaitAsync(ct).ConfigureAwait(false);
            if (response.TryGetProperty("error", out JsonElement error))
            {
                throw new QmpException(command,
                    error.TryGetProperty("class", out JsonElement c) ? c.GetString() ?? "" : "",
                    error.TryGetProperty("desc", out JsonElement d) ? d.GetString() ?? "" : "");
            }

            return response.TryGetProperty("return", out JsonElement value) ? value.Clone() : default;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Not connected, or QEMU is gone.
        }

        _socket.Dispose();
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(false);
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        Exception closed = new IOException("QMP connection closed (QEMU exited)");
        try
        {
            using var reader = new StreamReader(_stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (await reader.ReadLineAsync(_closing.Token).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    Dispatch(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or JsonException)
        {
            closed = new IOException($"QMP connection closed: {e.Message}", e);
        }

        _greeting.TrySetException(closed);
        foreach (TaskCompletionSource<JsonElement> pending in _pending.Values)
        {
            pending.TrySetException(closed);
        }

        _events.Writer.TryComplete();
    }

    private void Dispatch(string line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        JsonElement message = document.RootElement;
        if (message.TryGetProperty("QMP", out _))
        {
            _greeting.TrySetResult(message.Clone());
        }
        else if (message.TryGetProperty("event", out JsonElement name))
        {
            JsonElement data = message.TryGetProperty("data", out JsonElement d) ? d.Clone() : JsonDocument.Parse("{}").RootElement.Clone();
            _events.Writer.TryWrite(new QmpEvent(name.GetString() ?? "", data, Timestamp(message)));
        }
        else if (message.TryGetProperty("id", out JsonElement id) && id.TryGetInt64(out long key) && _pending.TryGetValue(key, out var answer))
        {
            answer.TrySetResult(message.Clone());
        }
    }

    private static DateTimeOffset Timestamp(JsonElement message)
    {
        if (!message.TryGetProperty("timestamp", out JsonElement t))
        {
            return DateTimeOffset.UtcNow;
        }

        long seconds = t.GetProperty("seconds").GetInt64();
        long micros = t.GetProperty("microseconds").GetInt64();
        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
    }
}
