using Berth.Api.Contracts;
using Berth.Core.Instances;
using Berth.Core.Supervision;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/svcs: supervised services (instances and berthd's own parts) with their states, and svcadm clear.</summary>
internal static class SvcsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder svcs = app.MapGroup("/v1/svcs").WithTags("svcs");

        svcs.MapGet("/", async (Supervisor supervisor, CancellationToken ct) =>
            Results.Json([.. await supervisor.StatusAsync(ct)], BerthJson.Default.ListServiceStatus)).Produces<List<ServiceStatus>>();

        svcs.MapGet("/{id}", async (string id, Supervisor supervisor, CancellationToken ct) =>
            Results.Json(await supervisor.StatusAsync(Uri.UnescapeDataString(id), ct), BerthJson.Default.ServiceStatus)).Produces<ServiceStatus>();

        svcs.MapPost("/{id}/clear", async (string id, InstanceService instances, Supervisor supervisor, CancellationToken ct) =>
        {
            // An encoded '/' stays %2F in a route value: vm%2Fweb01 names vm/web01.
            id = Uri.UnescapeDataString(id);
            Manifest cleared = await instances.ClearAsync(id.StartsWith("vm/", StringComparison.Ordinal) ? id[3..] : id, ct);
            return Results.Json(await supervisor.StatusAsync(cleared.Uuid!, ct), BerthJson.Default.ServiceStatus);
        }).Produces<ServiceStatus>();
    }
}
