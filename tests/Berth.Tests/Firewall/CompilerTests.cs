using System.Net;
using Berth.Core.Firewall;
using Berth.Tests.Containers;

namespace Berth.Tests.Firewall;

public sealed class CompilerTests
{
    private const string Web = "11111111-1111-4111-8111-111111111111";
    private const string Db = "22222222-2222-4222-8222-222222222222";
    private const string Plain = "33333333-3333-4333-8333-333333333333";

    private static FwInstance Instance(string uuid, string ip, bool firewall, Dictionary<string, string> tags, bool ipSpoof = false, string[]? allowed = null) =>
        new(uuid, tags, [new FwNic($"vb{uuid[..8]}_0", $"02:00:00:00:00:{uuid[0]}{uuid[0]}", [IPAddress.Parse(ip)], ipSpoof, false, false, allowed ?? [])], firewall);

    private static readonly FwInstance[] s_instances =
    [
        Instance(Web, "10.77.0.11", true, new() { ["role"] = "web" }),
        Instance(Db, "10.77.0.12", true, new() { ["role"] = "db", ["backup"] = "true" }, allowed: ["10.77.0.200", "10.99.0.0/24"]),
        Instance(Plain, "10.77.0.13", false, new() { ["role"] = "web" }, ipSpoof: true),
    ];

    private static FwRuleEntry Rule(int n, string text, bool enabled = true) =>
        new($"aaaaaaaa-0000-4000-8000-{n:000000000000}", enabled, RuleParser.Parse(text));

    private static readonly FwRuleEntry[] s_rules =
    [
        Rule(1, "FROM any TO all vms ALLOW tcp PORT 22"),
        Rule(2, "FROM (tag role=web OR ip 192.0.2.7) TO tag role=db ALLOW tcp PORTS 5432, 6432"),
        Rule(3, "FROM subnet 10.20.30.0/24 TO tag role=db BLOCK tcp PORT 5432 PRIORITY 5"),
        Rule(4, "FROM any TO all vms ALLOW icmp (TYPE 8 AND TYPE 0 AND TYPE 3 CODE 4)"),
        Rule(5, "FROM all vms TO any BLOCK tcp PORT 25"),
        Rule(6, $"FROM vm {Web} TO (ip 10.0.0.1 OR subnet 10.1.0.0/16 OR tag backup) ALLOW udp PORTS 1000 - 2000"),
        Rule(7, "FROM any TO all vms ALLOW udp PORT 53", enabled: false),
        Rule(8, "FROM any TO vm 99999999-9999-4999-8999-999999999999 ALLOW tcp PORT 80"),
        Rule(9, "FROM any TO tag role = web ALLOW esp"),
        Rule(10, "FROM ip fd00::1 TO all vms ALLOW tcp PORT 443"),
    ];

    [Fact]
    public void FirewallRulesetMatchesGolden() =>
        Golden.Verify("fw-ruleset.nft", FirewallCompiler.Compile(s_rules, s_instances));

    [Fact]
    public void AntiSpoofRulesetMatchesGolden() =>
        Golden.Verify("fw-antispoof.nft", AntiSpoofCompiler.Compile(s_instances));

    [Fact]
    public void EmptyHostMatchesGolden() =>
        Golden.Verify("fw-empty.nft", NftRuleset.Compile([], []));

    [Fact]
    public void CompilingIsPure() =>
        Assert.Equal(NftRuleset.Compile(s_rules, s_instances), NftRuleset.Compile([.. s_rules.Reverse()], s_instances));

    [Fact]
    public void DisabledRulesAndDeletedInstancesLeaveNoTrace()
    {
        string withDb = NftRuleset.Compile(s_rules, s_instances);
        string withoutDb = NftRuleset.Compile(s_rules, [.. s_instances.Where(i => i.Uuid != Db)]);
        Assert.Contains("10.77.0.12", withDb);
        Assert.DoesNotContain("10.77.0.12", withoutDb);
        Assert.DoesNotContain("vb22222222", withoutDb);
        Assert.DoesNotContain(s_rules[6].Uuid, withDb); // disabled
    }

    [Fact]
    public void RulesFollowTags()
    {
        FwInstance retagged = s_instances[1] with { Tags = new Dictionary<string, string> { ["role"] = "web" } };
        Assert.True(FwMatch.Affects(s_rules[1].Rule, s_instances[1]));
        Assert.False(FwMatch.Names(s_rules[1].Rule.To, retagged));
        Assert.True(FwMatch.Names(s_rules[1].Rule.From, retagged));
    }
}
