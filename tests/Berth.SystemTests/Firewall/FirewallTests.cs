using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Networking;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Firewall;

/// <summary>fwadm rules end to end: real containers on a test bridge, real nftables in the test host's namespace.</summary>
public sealed class FirewallTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    private const string WebIp = "10.77.0.61";
    private const string DbIp = "10.77.0.62";
    private const string CliIp = "10.77.0.63";

    [Fact]
    public async Task RulesGiveEachProbeItsVerdict()
    {
        RootOnly.Require();
        List<string> uuids = [];
        List<string> rules = [];
        try
        {
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("fw-web", 61, "\"firewall_enabled\": true, \"tags\": {\"role\": \"web\"}"))).Uuid!);
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("fw-db", 62, "\"firewall_enabled\": true, \"tags\": {\"role\": \"db\"}"))).Uuid!);
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("fw-cli", 63))).Uuid!);
            foreach (string rule in new[]
                     {
                         "FROM any TO all vms ALLOW icmp TYPE 8",
                         "FROM tag role=web TO tag role=db ALLOW tcp PORTS 5432, 6432",
                         $"FROM (tag role=web OR ip {CliIp}) TO tag role=db ALLOW udp PORT 53",
                         "FROM subnet 10.77.0.0/24 TO tag role=web ALLOW tcp PORT 80",
                         $"FROM ip {CliIp} TO tag role=web BLOCK tcp PORT 80 PRIORITY 10",
                         "FROM all vms TO any BLOCK tcp PORT 25",
                     })
            {
                rules.Add((await Berthd.Client.AddFirewallRuleAsync(new FirewallRuleRequest { Rule = rule, Enabled = true })).Uuid!);
            }

            FirewallRule later = await Berthd.Client.AddFirewallRuleAsync(new FirewallRuleRequest { Rule = "FROM any TO tag role=db ALLOW tcp PORT 9000" });
            rules.Add(later.Uuid!);
            Assert.False(later.Enabled);

            await AssertProbesAsync(
                new("fw-cli", DbIp, "icmp", 0, true),
                new(Probe.Host, WebIp, "icmp", 0, true),
                new("fw-cli", DbIp, "tcp", 5432, false),
                new("fw-web", DbIp, "tcp", 5432, true),
                new("fw-web", DbIp, "tcp", 6432, true),
                new("fw-web", DbIp, "tcp", 7000, false),
                new("fw-web", DbIp, "udp", 53, true),
                new("fw-cli", DbIp, "udp", 53, true),
                new("fw-cli", WebIp, "udp", 53, false),
                new("fw-db", WebIp, "tcp", 80, true),
                new("fw-cli", WebIp, "tcp", 80, false),
                new(Probe.Host, WebIp, "tcp", 22, false),
                new("fw-web", CliIp, "tcp", 25, false),
                new("fw-web", CliIp, "tcp", 26, true),
                new("fw-cli", CliIp, "tcp", 25, true),
                new("fw-web", DbIp, "tcp", 9000, false));

            await Berthd.Client.EnableFirewallRuleAsync(later.Uuid!);
            await AssertProbesAsync(new Probe("fw-web", DbIp, "tcp", 9000, true));
            await Berthd.Client.DisableFirewallRuleAsync(later.Uuid!);
            await AssertProbesAsync(new Probe("fw-web", DbIp, "tcp", 9000, false));

            // Rules follow tags and firewall_enabled at once.
            await Berthd.Client.UpdateVmAsync("fw-db", BerthClient.Utf8("""{"tags": {"role": "archive"}}"""));
            await AssertProbesAsync(new Probe("fw-web", DbIp, "tcp", 5432, false));
            await Berthd.Client.UpdateVmAsync("fw-db", BerthClient.Utf8("""{"tags": {"role": "db"}}"""));
            await AssertProbesAsync(new Probe("fw-web", DbIp, "tcp", 5432, true));
            await Berthd.Client.UpdateVmAsync("fw-db", BerthClient.Utf8("""{"firewall_enabled": false}"""));
            await AssertProbesAsync(new Probe("fw-web", DbIp, "tcp", 7000, true));

            Assert.Equal([uuids[1]], await Berthd.Client.ListFirewallRuleVmsAsync(rules[6]));
            List<FirewallRule> forWeb = await Berthd.Client.ListFirewallRulesForVmAsync("fw-web");
            Assert.Equal(6, forWeb.Count);
        }
        finally
        {
            foreach (string rule in rules)
            {
                await Berthd.Client.DeleteFirewallRuleAsync(rule);
            }

            foreach (string uuid in uuids)
            {
                await Berthd.Client.DeleteVmAsync(uuid);
            }
        }
    }

    [Fact]
    public async Task AnInstanceThatChangesItsIpOrMacIsCutOffUnlessAllowed()
    {
        RootOnly.Require();
        List<string> uuids = [];
        try
        {
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("spoof-ip", 71))).Uuid!);
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("spoof-mac", 72))).Uuid!);
            uuids.Add((await Berthd.CreateAsync(Berthd.Manifest("spoof-ok", 73).Replace("\"gateway\":", "\"allow_ip_spoofing\": true, \"gateway\":"))).Uuid!);
            foreach (string alias in new[] { "spoof-ip", "spoof-mac", "spoof-ok" })
            {
                Assert.True(await Poll.UntilAsync(() => PingsGatewayAsync(alias)), $"{alias} reaches the gateway before it changes anything");
            }

            await Exec("spoof-ip", "sh", "-c", "ip addr del 10.77.0.71/24 dev eth0 && ip addr add 10.77.0.171/24 dev eth0");
            await Exec("spoof-ok", "sh", "-c", "ip addr del 10.77.0.73/24 dev eth0 && ip addr add 10.77.0.173/24 dev eth0");
            await Exec("spoof-mac", "ip", "link", "set", "dev", "eth0", "address", "02:00:00:77:00:72");
            Assert.False(await PingsGatewayAsync("spoof-ip"), "an instance sending from an IP not its own is cut off");
            Assert.False(await PingsGatewayAsync("spoof-mac"), "an instance sending from a MAC not its own is cut off");
            Assert.True(await Poll.UntilAsync(() => PingsGatewayAsync("spoof-ok")), "allow_ip_spoofing lets it send from another IP");

            string ruleset = (await Berthd.Host.InNetnsAsync("nft", "list", "ruleset")).Stdout;
            Assert.Contains(NicPlumber.HostInterfaceName(uuids[0], 0), ruleset);
        }
        finally
        {
            foreach (string uuid in uuids)
            {
                await Berthd.Client.DeleteVmAsync(uuid);
            }
        }
    }

    [Fact]
    public async Task NothingOfADeletedInstanceRemainsAndARestartAppliesOnce()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("fw-gone", 81, "\"firewall_enabled\": true, \"tags\": {\"gone\": true}"));
        string uuid = vm.Uuid!;
        string veth = NicPlumber.HostInterfaceName(uuid, 0);
        FirewallRule rule = await Berthd.Client.AddFirewallRuleAsync(new FirewallRuleRequest { Rule = $"FROM any TO vm {uuid} ALLOW tcp PORT 22", Enabled = true });
        try
        {
            string before = await RulesetAsync();
            Assert.Contains(veth, before);
            Assert.Contains("10.77.0.81", before);

            await Berthd.KillAsync();
            await Berthd.StartProcessAsync();
            string after = await RulesetAsync();
            Assert.Equal(1, Count(after, "table inet berth_fw"));
            Assert.Equal(1, Count(after, "table bridge berth_antispoof"));
            Assert.Equal(Count(before, "10.77.0.81"), Count(after, "10.77.0.81"));

            await Berthd.Client.DeleteVmAsync(uuid);
            string gone = await RulesetAsync();
            Assert.DoesNotContain(veth, gone);
            Assert.DoesNotContain("10.77.0.81", gone);
            Assert.DoesNotContain(uuid, gone);
            Assert.Empty(await Leftovers.OfAsync(Berthd, uuid));
        }
        finally
        {
            await Berthd.Client.DeleteFirewallRuleAsync(rule.Uuid!);
            if ((await Berthd.Client.ListVmsAsync()).Any(m => m.Uuid == uuid))
            {
                await Berthd.Client.DeleteVmAsync(uuid);
            }
        }
    }

    [Fact]
    public async Task ABadRuleIsRefusedWithItsPosition()
    {
        RootOnly.Require();
        BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() =>
            Berthd.Client.AddFirewallRuleAsync(new FirewallRuleRequest { Rule = "FROM any TO all vms ALOW tcp PORT 22" }));
        Assert.Equal(400, e.Status);
        Assert.Contains("expected ALLOW or BLOCK, found \"ALOW\" at position 21", e.Problem.Detail);
        Assert.Equal("rule", Assert.Single(e.Problem.Errors!).Property);
    }

    private async Task AssertProbesAsync(params Probe[] probes)
    {
        var wrong = new List<string>();
        foreach (Probe p in probes)
        {
            string ip = p.To;
            // A reached probe may take a retry (ARP); a blocked one gets one attempt and must stay blocked.
            bool reached = p.Reached
                ? await Poll.UntilAsync(() => Probe.TryAsync(Berthd, p.From, ip, p.Protocol, p.Port))
                : await Probe.TryAsync(Berthd, p.From, ip, p.Protocol, p.Port);
            if (reached != p.Reached)
            {
                wrong.Add($"{p} but it was {(reached ? "reached" : "blocked")}: {Probe.LastOutput}");
            }
        }

        Assert.True(wrong.Count == 0, "wrong verdicts:\n" + string.Join('\n', wrong) + "\n" + await RulesetAsync());
    }

    private async Task<bool> PingsGatewayAsync(string alias) =>
        (await Exec(alias, "ping", "-c", "1", "-W", "1", Berthd.Gateway)).ExitCode == 0;

    private Task<ExecResult> Exec(string alias, params string[] argv) =>
        Berthd.Client.ExecAsync(alias, new ExecRequest { Argv = [.. argv] });

    private async Task<string> RulesetAsync() => (await Berthd.Host.InNetnsAsync("nft", "list", "ruleset")).Stdout;

    private static int Count(string text, string part) => text.Split(part).Length - 1;
}
