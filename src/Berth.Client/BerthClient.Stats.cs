using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/stats, /v1/vms/ID/stats, /v1/vms/ID/processes and /metrics.</summary>
public sealed partial class BerthClient
{
    /// <summary>Every instance's resource use; rates over the time since the previous read, or over <paramref name="interval"/> when there was none.</summary>
    public Task<List<InstanceStats>> ListStatsAsync(TimeSpan? interval = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/stats" + Query(interval), null, BerthJson.Default.ListInstanceStats, ct);

    public Task<InstanceStats> GetStatsAsync(string id, TimeSpan? interval = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/stats{Query(interval)}", null, BerthJson.Default.InstanceStats, ct);

    /// <summary>The processes of a running instance, busiest first.</summary>
    public Task<List<InstanceProcess>> ListProcessesAsync(string id, TimeSpan? interval = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/processes{Query(interval)}", null, BerthJson.Default.ListInstanceProcess, ct);

    /// <summary>The Prometheus text berthd serves on /metrics.</summary>
    public async Task<string> GetMetricsAsync(CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "metrics", null, ct).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
    }

    private static string Query(TimeSpan? interval) =>
        interval is { } i ? "?interval=" + i.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) : "";
}
