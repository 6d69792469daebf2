using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/fw/rules: fwadm's rules.</summary>
public sealed partial class BerthClient
{
    public Task<List<FirewallRule>> ListFirewallRulesAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/fw/rules", null, BerthJson.Default.ListFirewallRule, ct);

    /// <summary>The rules that name an instance (by UUID, UUID prefix or alias).</summary>
    public Task<List<FirewallRule>> ListFirewallRulesForVmAsync(string vm, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/fw/rules?vm={Escape(vm)}", null, BerthJson.Default.ListFirewallRule, ct);

    /// <summary>A rule by UUID or unique UUID prefix.</summary>
    public Task<FirewallRule> GetFirewallRuleAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/fw/rules/{Escape(id)}", null, BerthJson.Default.FirewallRule, ct);

    /// <summary>Adds a rule; it stays disabled unless <c>Enabled</c> is true.</summary>
    public Task<FirewallRule> AddFirewallRuleAsync(FirewallRuleRequest rule, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/fw/rules", Json(rule, BerthJson.Default.FirewallRuleRequest), BerthJson.Default.FirewallRule, ct);

    public Task<FirewallRule> UpdateFirewallRuleAsync(string id, FirewallRuleRequest update, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, $"v1/fw/rules/{Escape(id)}", Json(update, BerthJson.Default.FirewallRuleRequest), BerthJson.Default.FirewallRule, ct);

    public Task<FirewallRule> EnableFirewallRuleAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/fw/rules/{Escape(id)}/enable", null, BerthJson.Default.FirewallRule, ct);

    public Task<FirewallRule> DisableFirewallRuleAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/fw/rules/{Escape(id)}/disable", null, BerthJson.Default.FirewallRule, ct);

    public async Task DeleteFirewallRuleAsync(string id, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/fw/rules/{Escape(id)}", null, ct).ConfigureAwait(false);
    }

    /// <summary>The UUIDs of the instances a rule names.</summary>
    public Task<List<string>> ListFirewallRuleVmsAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/fw/rules/{Escape(id)}/vms", null, BerthJson.Default.ListString, ct);
}
