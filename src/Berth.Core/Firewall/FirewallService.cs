using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Instances;
using Berth.Core.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Firewall;

/// <summary>
/// fwadm's rules: stored, and compiled with every instance into one nftables transaction applied whenever a rule or an
/// instance changes. Applies are serialized, and each reads the records as they are when it runs.
/// </summary>
public sealed partial class FirewallService(IStateStore store, NftApplier applier, ILogger<FirewallService> logger) : IInstanceChangeHook
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<IReadOnlyList<FirewallRule>> ListAsync(CancellationToken ct = default) => store.ListFirewallRulesAsync(ct);

    /// <summary>A rule by UUID or unique UUID prefix.</summary>
    public async Task<FirewallRule> GetAsync(string id, CancellationToken ct = default)
    {
        IReadOnlyList<FirewallRule> all = await store.ListFirewallRulesAsync(ct).ConfigureAwait(false);
        List<FirewallRule> found = [.. all.Where(r => id.Length > 0 && r.Uuid!.StartsWith(id, StringComparison.OrdinalIgnoreCase))];
        return found.Count switch
        {
            1 => found[0],
            0 => throw BerthException.NotFound($"firewall rule \"{id}\" not found"),
            _ => throw BerthException.Invalid("uuid", $"\"{id}\" names {found.Count} rules: give more of the UUID"),
        };
    }

    /// <summary>Adds a rule, disabled unless the request enables it (as fwadm does), and applies the firewall.</summary>
    public async Task<FirewallRule> AddAsync(FirewallRuleRequest request, CancellationToken ct = default)
    {
        string text = request.Rule ?? throw BerthException.Invalid("rule", "is required");
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var rule = new FirewallRule
        {
            Uuid = Guid.NewGuid().ToString("D"),
            Rule = RuleParser.Parse(text).Canonical,
            Enabled = request.Enabled ?? false,
            Description = request.Description,
            CreateTimestamp = now,
            LastModified = now,
        };
        await ChangeAsync(() => store.InsertFirewallRuleAsync(rule, ct), () => store.DeleteFirewallRuleAsync(rule.Uuid), ct).ConfigureAwait(false);
        Log.RuleAdded(logger, rule.Uuid, rule.Rule, rule.Enabled == true);
        return rule;
    }

    /// <summary>Changes a rule's text, description or enabled flag; what is absent stays.</summary>
    public async Task<FirewallRule> UpdateAsync(string id, FirewallRuleRequest request, CancellationToken ct = default)
    {
        FirewallRule current = await GetAsync(id, ct).ConfigureAwait(false);
        FirewallRule updated = current with
        {
            Rule = request.Rule is null ? current.Rule : RuleParser.Parse(request.Rule).Canonical,
            Enabled = request.Enabled ?? current.Enabled,
            Description = request.Description ?? current.Description,
            LastModified = DateTimeOffset.UtcNow,
        };
        await ChangeAsync(() => store.UpdateFirewallRuleAsync(updated, ct), () => store.UpdateFirewallRuleAsync(current), ct).ConfigureAwait(false);
        return updated;
    }

    public Task<FirewallRule> SetEnabledAsync(string id, bool enabled, CancellationToken ct = default) =>
        UpdateAsync(id, new FirewallRuleRequest { Enabled = enabled }, ct);

    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        FirewallRule current = await GetAsync(id, ct).ConfigureAwait(false);
        await ChangeAsync(() => store.DeleteFirewallRuleAsync(current.Uuid!, ct), () => store.InsertFirewallRuleAsync(current), ct).ConfigureAwait(false);
    }

    /// <summary>The UUIDs of the instances a rule names (fwadm vms).</summary>
    public async Task<List<string>> VmsAsync(string id, CancellationToken ct = default)
    {
        ParsedRule rule = RuleParser.Parse((await GetAsync(id, ct).ConfigureAwait(false)).Rule!);
        IReadOnlyList<Manifest> instances = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        return [.. instances.Select(FwInstance.From).Where(i => FwMatch.Affects(rule, i)).Select(i => i.Uuid)];
    }

    /// <summary>The rules that name an instance (fwadm rules).</summary>
    public async Task<List<FirewallRule>> RulesForAsync(Manifest instance, CancellationToken ct = default)
    {
        FwInstance target = FwInstance.From(instance);
        IReadOnlyList<FirewallRule> all = await store.ListFirewallRulesAsync(ct).ConfigureAwait(false);
        return [.. all.Where(r => FwMatch.Affects(RuleParser.Parse(r.Rule!), target))];
    }

    /// <summary>The ruleset as it would be applied now.</summary>
    public async Task<string> CompileAsync(CancellationToken ct = default)
    {
        IReadOnlyList<FirewallRule> rules = await store.ListFirewallRulesAsync(ct).ConfigureAwait(false);
        IReadOnlyList<Manifest> instances = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        return NftRuleset.Compile(
            [.. rules.Select(r => new FwRuleEntry(r.Uuid!, r.Enabled == true, RuleParser.Parse(r.Rule!)))],
            [.. instances.Select(FwInstance.From)]);
    }

    /// <summary>Compiles and applies the whole ruleset (berthd's start, and every change).</summary>
    public async Task ApplyAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await ApplyLockedAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Brings the host in line at berthd's start: bridged traffic through the firewall, then the ruleset; false when bridged traffic cannot be filtered.</summary>
    public async Task<bool> StartAsync(CancellationToken ct = default)
    {
        bool filtersBridges = await applier.EnsureBridgeNetfilterAsync(ct).ConfigureAwait(false);
        if (!filtersBridges)
        {
            Log.NoBridgeNetfilter(logger);
        }

        await ApplyAsync(ct).ConfigureAwait(false);
        return filtersBridges;
    }

    public async Task InstanceChangedAsync(Manifest? before, Manifest? after, CancellationToken ct = default)
    {
        if (before is not null && after is not null && FirewallView(before) == FirewallView(after))
        {
            return; // nothing the firewall reads changed (a resource cap, say)
        }

        await ApplyAsync(ct).ConfigureAwait(false);
    }

    private static string FirewallView(Manifest m) =>
        JsonSerializer.Serialize(new Manifest { Uuid = m.Uuid, Tags = m.Tags, Nics = m.Nics, FirewallEnabled = m.FirewallEnabled }, BerthJson.Default.Manifest);

    // Records change and the ruleset follows under one lock; a ruleset nft refuses puts the record back.
    private async Task ChangeAsync(Func<Task> change, Func<Task> undo, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await change().ConfigureAwait(false);
            try
            {
                await ApplyLockedAsync(ct).ConfigureAwait(false);
            }
            catch (Exception)
            {
                await undo().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyLockedAsync(CancellationToken ct)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        string ruleset = await CompileAsync(ct).ConfigureAwait(false);
        await applier.ApplyAsync(ruleset, ct).ConfigureAwait(false);
        Log.Applied(logger, ruleset.Length, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Firewall rule {Uuid} added ({Enabled}): {Rule}")]
        public static partial void RuleAdded(ILogger logger, string uuid, string rule, bool enabled);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Firewall ruleset applied ({Bytes} bytes) in {Ms:0.0} ms")]
        public static partial void Applied(ILogger logger, int bytes, double ms);

        [LoggerMessage(Level = LogLevel.Warning, Message = "br_netfilter is missing: traffic between instances on one bridge bypasses the firewall (anti-spoofing still holds)")]
        public static partial void NoBridgeNetfilter(ILogger logger);
    }
}
