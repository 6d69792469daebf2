using Berth.Api.Contracts;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/vms/{id}/snapshots: snapshots that keep history, and rollbacks that can be rolled back.</summary>
internal static class SnapshotsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/v1/vms/{id}/snapshots").WithTags("snapshots");

        group.MapGet("/", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json([.. await instances.ListSnapshotsAsync(id, ct)], BerthJson.Default.ListSnapshot)).Produces<List<Snapshot>>();

        group.MapPost("/", async (string id, HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            SnapshotRequest create = await JsonBody.ReadAsync(request, BerthJson.Default.SnapshotRequest, ct);
            return Results.Json(await instances.CreateSnapshotAsync(id, create.Name, ct), BerthJson.Default.Snapshot, statusCode: StatusCodes.Status201Created);
        }).Accepts<SnapshotRequest>("application/json").Produces<Snapshot>(StatusCodes.Status201Created);

        group.MapPost("/{name}/rollback", async (string id, string name, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.RollbackAsync(id, name, ct), BerthJson.Default.RollbackResult)).Produces<RollbackResult>();

        group.MapDelete("/{name}", async (string id, string name, InstanceService instances, CancellationToken ct) =>
        {
            await instances.DeleteSnapshotAsync(id, name, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);
    }
}
