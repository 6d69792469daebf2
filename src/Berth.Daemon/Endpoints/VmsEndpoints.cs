using Berth.Api.Contracts;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/vms: instances, containers now and VMs later, through one manifest.</summary>
internal static class VmsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder vms = app.MapGroup("/v1/vms").WithTags("vms");

        vms.MapGet("/", async (HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            Dictionary<string, string> filters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
            return Results.Json([.. await instances.ListAsync(filters, ct)], BerthJson.Default.ListManifest);
        }).Produces<List<Manifest>>();

        vms.MapPost("/", async (HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            Manifest created = await instances.CreateAsync(await JsonBody.ReadAsync(request, ct), ct);
            return Results.Json(created, BerthJson.Default.Manifest, statusCode: StatusCodes.Status201Created);
        }).Accepts<Manifest>("application/json").Produces<Manifest>(StatusCodes.Status201Created);

        vms.MapPost("/validate", async (HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            Manifest manifest = await instances.ValidateAsync(await JsonBody.ReadAsync(request, ct), ct);
            return Results.Json(new ValidateResult { Valid = true, Manifest = manifest }, BerthJson.Default.ValidateResult);
        }).Accepts<Manifest>("application/json").Produces<ValidateResult>();

        vms.MapGet("/{id}", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.GetAsync(id, ct), BerthJson.Default.Manifest)).Produces<Manifest>();

        vms.MapPatch("/{id}", async (string id, HttpRequest request, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.UpdateAsync(id, await JsonBody.ReadAsync(request, ct), ct), BerthJson.Default.UpdateResult))
            .Accepts<Manifest>("application/json").Produces<UpdateResult>();

        vms.MapDelete("/{id}", async (string id, InstanceService instances, CancellationToken ct) =>
        {
            await instances.DeleteAsync(id, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);

        vms.MapPost("/{id}/start", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.StartAsync(id, ct), BerthJson.Default.Manifest)).Produces<Manifest>();

        vms.MapPost("/{id}/stop", async (string id, HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            StopRequest stop = request.ContentLength is > 0
                ? await JsonBody.ReadAsync(request, BerthJson.Default.StopRequest, ct)
                : new StopRequest();
            return Results.Json(await instances.StopAsync(id, stop.Force ?? false, stop.Timeout, ct), BerthJson.Default.Manifest);
        }).Accepts<StopRequest>("application/json").Produces<Manifest>();

        vms.MapPost("/{id}/reboot", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.RebootAsync(id, ct), BerthJson.Default.Manifest)).Produces<Manifest>();

        vms.MapPost("/{id}/exec", async (string id, HttpRequest request, InstanceService instances, CancellationToken ct) =>
        {
            ExecRequest exec = await JsonBody.ReadAsync(request, BerthJson.Default.ExecRequest, ct);
            return Results.Json(await instances.ExecAsync(id, exec, ct), BerthJson.Default.ExecResult);
        }).Accepts<ExecRequest>("application/json").Produces<ExecResult>();

        vms.MapGet("/{id}/info", async (string id, InstanceService instances, CancellationToken ct) =>
            Results.Json(await instances.InfoAsync(id, ct), BerthJson.Default.DictionaryStringJsonElement))
            .Produces<Dictionary<string, System.Text.Json.JsonElement>>();

        vms.MapGet("/{id}/console", ConsoleEndpoint.HandleAsync).Produces(StatusCodes.Status101SwitchingProtocols);
    }
}
