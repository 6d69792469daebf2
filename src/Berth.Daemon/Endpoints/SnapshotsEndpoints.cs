using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/vms/{id}/snapshots: named snapshots of an instance's files; rollbacks keep history.</summary>
internal static class SnapshotsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder snapshots = app.MapGroup("/v1/vms/{id}/snapshots").WithTags("snapshots");

        snapshots.MapGet("/", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json([.. await instances.ListSnapshotsAsync(id, ct)], BerthJson.Default.ListSnapshot))
            .Produces<List<Snapshot>>();

        snapshots.MapPost("/", async (string id, HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            string name = NameOf(await JsonBody.ReadAsync(request, ct));
            Snapshot created = await instances.CreateSnapshotAsync(id, name, ct);
            return Results.Json(created, BerthJson.Default.Snapshot, statusCode: StatusCodes.Status201Created);
        }).Accepts<SnapshotCreateRequest>("application/json").Produces<Snapshot>(StatusCodes.Status201Created);

        snapshots.MapPost("/{name}/rollback", async (string id, string name, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.RollbackSnapshotAsync(id, name, ct), BerthJson.Default.RollbackResult))
            .Produces<RollbackResult>();

        snapshots.MapDelete("/{name}", async (string id, string name, InstanceService instances, CancellationToken ct) =>
        {
            await instances.DeleteSnapshotAsync(id, name, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);
    }

    /// <summary>The <c>name</c> of a create body, refusing anything else in it with the property named.</summary>
    private static string NameOf(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw BerthException.Invalid("name", "the body must be a JSON object such as {\"name\": \"before-upgrade\"}");
        }

        string? name = null;
        foreach (JsonProperty p in body.EnumerateObject())
        {
            if (p.Name != "name")
            {
                throw BerthException.Invalid(p.Name, "unknown property (a snapshot has only a name)");
            }

            name = p.Value.ValueKind == JsonValueKind.String
                ? p.Value.GetString()
                : throw BerthException.Invalid("name", $"must be a string, not {p.Value.ValueKind.ToString().ToLowerInvariant()}");
        }

        InstanceService.ValidateSnapshotName(name);
        return name!;
    }
}
