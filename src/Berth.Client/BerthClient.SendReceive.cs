using System.Net.Http.Headers;
using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>send and receive: an instance as one self-describing stream, a chunked HTTP body each way.</summary>
public sealed partial class BerthClient
{
    public const string SendStreamMediaType = "application/vnd.berth.send-stream";

    /// <summary>Writes instance <paramref name="id"/> as a send stream to <paramref name="output"/>, incremental from snapshot <paramref name="from"/> when given.</summary>
    /// <remarks>A failure after the first bytes (the daemon aborts the body) is an IOException; what was written is then a truncated stream.</remarks>
    public async Task SendVmAsync(string id, Stream output, string? from = null, CancellationToken ct = default)
    {
        string query = from is null ? "" : $"?from={Escape(from)}";
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/send{query}", null, ct).ConfigureAwait(false);
        await using Stream body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await body.CopyToAsync(output, ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Recreates an instance, stopped, from a send stream; on pool <paramref name="zpool"/> when given, with a new UUID only when asked.</summary>
    public Task<Manifest> ReceiveVmAsync(Stream input, string? zpool = null, bool newUuid = false, CancellationToken ct = default)
    {
        var query = new List<string>();
        if (zpool is not null)
        {
            query.Add($"zpool={Escape(zpool)}");
        }

        if (newUuid)
        {
            query.Add("new_uuid=true");
        }

        // No length: the body goes chunked, read from the input as it is sent.
        var body = new StreamContent(input, 256 * 1024) { Headers = { ContentType = new MediaTypeHeaderValue(SendStreamMediaType) } };
        string path = "v1/vms/receive" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync(HttpMethod.Post, path, body, BerthJson.Default.Manifest, ct);
    }
}
