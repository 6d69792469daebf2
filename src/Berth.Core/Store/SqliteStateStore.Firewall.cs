using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Store;

public sealed partial class SqliteStateStore
{
    public Task<IReadOnlyList<FirewallRule>> ListFirewallRulesAsync(CancellationToken ct = default) =>
        ListAsync("SELECT rule FROM fw_rules ORDER BY rowid", BerthJson.Default.FirewallRule, ct);

    public Task InsertFirewallRuleAsync(FirewallRule rule, CancellationToken ct = default) =>
        WriteAsync("INSERT INTO fw_rules (uuid, rule) VALUES ($k, $json)",
            [("$k", rule.Uuid), ("$json", JsonSerializer.Serialize(rule, BerthJson.Default.FirewallRule))], $"firewall rule {rule.Uuid}", ct);

    public Task UpdateFirewallRuleAsync(FirewallRule rule, CancellationToken ct = default) =>
        WriteOneAsync("UPDATE fw_rules SET rule = $json WHERE uuid = $k",
            [("$k", rule.Uuid), ("$json", JsonSerializer.Serialize(rule, BerthJson.Default.FirewallRule))], $"firewall rule {rule.Uuid}", ct);

    public Task DeleteFirewallRuleAsync(string uuid, CancellationToken ct = default) =>
        WriteOneAsync("DELETE FROM fw_rules WHERE uuid = $k", [("$k", uuid)], $"firewall rule {uuid}", ct);
}
