using Berth.Api.Contracts;
using Berth.Core.Networking;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/networks: named L2 segments with NAPI's fields.</summary>
internal static class NetworksEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/v1/networks").WithTags("networks");

        group.MapGet("/", async (NetworkService networks, CancellationToken ct) =>
            Results.Json([.. await networks.ListAsync(ct)], BerthJson.Default.ListNetwork)).Produces<List<Network>>();

        group.MapGet("/{id}", async (string id, NetworkService networks, CancellationToken ct) =>
            Results.Json(await networks.GetAsync(id, ct), BerthJson.Default.Network)).Produces<Network>();

        group.MapPost("/", async (HttpRequest request, NetworkService networks, CancellationToken ct) =>
        {
            Network create = await JsonBody.ReadAsync(request, BerthJson.Default.Network, ct);
            return Results.Json(await networks.CreateAsync(create, ct), BerthJson.Default.Network, statusCode: StatusCodes.Status201Created);
        }).Accepts<Network>("application/json").Produces<Network>(StatusCodes.Status201Created);

        group.MapDelete("/{id}", async (string id, NetworkService networks, CancellationToken ct) =>
        {
            await networks.DeleteAsync(id, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent).Produces<Problem>(StatusCodes.Status409Conflict);
    }
}
