using Berth.Api.Contracts;
using Berth.Core.Firewall;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/fw/rules: fwadm's rules; <c>?vm=ID</c> lists the rules that name an instance.</summary>
internal static class FirewallEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        RouteGroupBuilder rules = app.MapGroup("/v1/fw/rules").WithTags("firewall");

        rules.MapGet("/", async (string? vm, FirewallService firewall, InstanceService instances, CancellationToken ct) =>
        {
            List<FirewallRule> list = vm is null
                ? [.. await firewall.ListAsync(ct)]
                : await firewall.RulesForAsync(await instances.ResolveAsync(vm, ct), ct);
            return Results.Json(list, BerthJson.Default.ListFirewallRule);
        }).Produces<List<FirewallRule>>();

        rules.MapPost("/", async (HttpRequest request, FirewallService firewall, CancellationToken ct) =>
        {
            FirewallRuleRequest add = await JsonBody.ReadAsync(request, BerthJson.Default.FirewallRuleRequest, ct);
            return Results.Json(await firewall.AddAsync(add, ct), BerthJson.Default.FirewallRule, statusCode: StatusCodes.Status201Created);
        }).Accepts<FirewallRuleRequest>("application/json").Produces<FirewallRule>(StatusCodes.Status201Created);

        rules.MapGet("/{id}", async (string id, FirewallService firewall, CancellationToken ct) =>
            Results.Json(await firewall.GetAsync(id, ct), BerthJson.Default.FirewallRule)).Produces<FirewallRule>();

        rules.MapPatch("/{id}", async (string id, HttpRequest request, FirewallService firewall, CancellationToken ct) =>
        {
            FirewallRuleRequest update = await JsonBody.ReadAsync(request, BerthJson.Default.FirewallRuleRequest, ct);
            return Results.Json(await firewall.UpdateAsync(id, update, ct), BerthJson.Default.FirewallRule);
        }).Accepts<FirewallRuleRequest>("application/json").Produces<FirewallRule>();

        rules.MapDelete("/{id}", async (string id, FirewallService firewall, CancellationToken ct) =>
        {
            await firewall.DeleteAsync(id, ct);
            return Results.NoContent();
        }).Produces(StatusCodes.Status204NoContent);

        rules.MapPost("/{id}/enable", async (string id, FirewallService firewall, CancellationToken ct) =>
            Results.Json(await firewall.SetEnabledAsync(id, true, ct), BerthJson.Default.FirewallRule)).Produces<FirewallRule>();

        rules.MapPost("/{id}/disable", async (string id, FirewallService firewall, CancellationToken ct) =>
            Results.Json(await firewall.SetEnabledAsync(id, false, ct), BerthJson.Default.FirewallRule)).Produces<FirewallRule>();

        rules.MapGet("/{id}/vms", async (string id, FirewallService firewall, CancellationToken ct) =>
            Results.Json(await firewall.VmsAsync(id, ct), BerthJson.Default.ListString)).Produces<List<string>>();
    }

    /// <summary>The firewall and its hook into instance changes (rules follow instances and their tags at once).</summary>
    public static IServiceCollection AddFirewall(this IServiceCollection services)
    {
        services.AddSingleton(_ => new NftApplier());
        services.AddSingleton<FirewallService>();
        services.AddSingleton<IInstanceChangeHook>(sp => sp.GetRequiredService<FirewallService>());
        return services;
    }
}
