using System.Globalization;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Stats;
using Berth.Core.Storage;
using Berth.Daemon.Metrics;

namespace Berth.Daemon.Endpoints;

/// <summary>Resource use: /v1/stats (every instance), /v1/vms/ID/stats, /v1/vms/ID/processes, and Prometheus' /metrics.</summary>
internal static class StatsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/stats", async (HttpRequest request, StatsService stats, CancellationToken ct) =>
            Results.Json([.. await stats.ListAsync(Interval(request), ct)], BerthJson.Default.ListInstanceStats))
            .WithTags("stats").Produces<List<InstanceStats>>();

        app.MapGet("/v1/vms/{id}/stats", async (string id, HttpRequest request, StatsService stats, CancellationToken ct) =>
            Results.Json(await stats.GetAsync(id, Interval(request), ct), BerthJson.Default.InstanceStats))
            .WithTags("stats").Produces<InstanceStats>();

        app.MapGet("/v1/vms/{id}/processes", async (string id, HttpRequest request, StatsService stats, CancellationToken ct) =>
            Results.Json([.. await stats.ProcessesAsync(id, Interval(request), ct)], BerthJson.Default.ListInstanceProcess))
            .WithTags("stats").Produces<List<InstanceProcess>>();

        app.MapGet("/metrics", async (StatsService stats, PoolRegistry pools, CancellationToken ct) =>
            Results.Text(await MetricsWriter.WriteAsync(stats, pools, ct), PrometheusText.ContentType))
            .WithTags("stats").Produces<string>(contentType: "text/plain");
    }

    /// <summary>?interval=SECONDS: how long to wait for a second sample when there is no recent one (0.1 to 60).</summary>
    private static TimeSpan? Interval(HttpRequest request)
    {
        string? text = request.Query["interval"];
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0.1 and <= 60
            ? TimeSpan.FromSeconds(seconds)
            : throw BerthException.Invalid("interval", $"\"{text}\" is not a number of seconds from 0.1 to 60");
    }
}
