using Berth.Api.Contracts;
using Berth.Core.Storage;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/pools: where datasets live.</summary>
internal static class PoolsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup("/v1/pools").WithTags("pools");

        group.MapGet("/", async (PoolRegistry pools, CancellationToken ct) =>
        {
            var list = new List<Pool>();
            foreach (IStorageDriver pool in pools.All)
            {
                list.Add(await PoolRegistry.DescribeAsync(pool, ct));
            }

            return Results.Json(list, BerthJson.Default.ListPool);
        }).Produces<List<Pool>>();

        group.MapGet("/{name}", async (string name, PoolRegistry pools, CancellationToken ct) =>
            Results.Json(await PoolRegistry.DescribeAsync(pools.Get(name), ct), BerthJson.Default.Pool)).Produces<Pool>();

        group.MapPost("/", async (HttpRequest request, PoolRegistry pools, CancellationToken ct) =>
        {
            PoolCreateRequest create = await JsonBody.ReadAsync(request, BerthJson.Default.PoolCreateRequest, ct);
            IStorageDriver pool = await pools.CreateAsync(create, ct);
            return Results.Json(await PoolRegistry.DescribeAsync(pool, ct), BerthJson.Default.Pool, statusCode: StatusCodes.Status201Created);
        }).Accepts<PoolCreateRequest>("application/json").Produces<Pool>(StatusCodes.Status201Created);

        group.MapDelete("/{name}", async (string name, PoolRegistry pools, CancellationToken ct) =>
        {
            await pools.DeleteAsync(name, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);
    }
}
