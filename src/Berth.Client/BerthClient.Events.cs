using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/events (server-sent events) and /v1/svcs.</summary>
public sealed partial class BerthClient
{
    /// <summary>
    /// Lifecycle events: the kept ones after <paramref name="since"/> (all kept ones when not following), then, when
    /// <paramref name="follow"/>, each new one as it happens until cancelled.
    /// </summary>
    public async IAsyncEnumerable<InstanceEvent> EventsAsync(string? instance = null, bool follow = true, long? since = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var query = new List<string>();
        if (instance is not null)
        {
            query.Add($"instance={Escape(instance)}");
        }

        if (!follow)
        {
            query.Add("follow=false");
        }

        if (since is not null)
        {
            query.Add($"since={since}");
        }

        string path = "v1/events" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        await using Stream stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return ParseEvent(data.ToString());
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart(' '));
            }

            // id:, event: and comment lines (": keepalive") carry nothing the data does not.
        }
    }

    private static InstanceEvent ParseEvent(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, BerthJson.Default.InstanceEvent)
                ?? throw new InvalidDataException("berthd sent an empty event");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"berthd sent an event this berth does not understand: {e.Message}", e);
        }
    }

    public Task<List<ServiceStatus>> ListServicesAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/svcs", null, BerthJson.Default.ListServiceStatus, ct);

    /// <summary>One service: an instance (UUID, prefix, alias, or vm/NAME) or a part of berthd (berthd/NAME).</summary>
    public Task<ServiceStatus> GetServiceAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/svcs/{Escape(id)}", null, BerthJson.Default.ServiceStatus, ct);

    /// <summary>svcadm clear: takes an instance out of maintenance and starts it again.</summary>
    public Task<ServiceStatus> ClearServiceAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/svcs/{Escape(id)}/clear", null, BerthJson.Default.ServiceStatus, ct);
}
