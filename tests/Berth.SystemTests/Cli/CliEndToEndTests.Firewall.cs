using Berth.Api.Contracts;

namespace Berth.SystemTests.Cli;

/// <summary>berth fw: add prints the UUID, the JSON of list, get, vms and rules, and a bad rule's error.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task FwCommandsPrintJson()
    {
        RootOnly.Require();
        string uuid = (await Cli.RunAsync("fw", "add", "FROM", "any", "TO", "tag", "cli-fw", "ALLOW", "tcp", "PORT", "22")).Ok().Lines.Single();
        try
        {
            Assert.True(Guid.TryParse(uuid, out _), uuid);
            FirewallRule rule = (await Cli.RunAsync("fw", "get", uuid[..8], "-j")).Json(BerthJson.Default.FirewallRule);
            Assert.Equal(("FROM any TO tag cli-fw ALLOW tcp PORT 22", false), (rule.Rule, rule.Enabled));
            (await Cli.RunAsync("fw", "enable", uuid)).Ok();
            List<FirewallRule> all = (await Cli.RunAsync("fw", "list", "-j")).Json(BerthJson.Default.ListFirewallRule);
            Assert.True(Assert.Single(all, r => r.Uuid == uuid).Enabled);
            Assert.Matches(@"^UUID\s+ENABLED\s+RULE$", (await Cli.RunAsync("fw", "list")).Ok().Lines[0]);
            Assert.Empty((await Cli.RunAsync("fw", "vms", uuid, "-j")).Json(BerthJson.Default.ListString));

            CliResult bad = await Cli.RunAsync("fw", "add", "FROM any TO all vms ALOW tcp PORT 22");
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("expected ALLOW or BLOCK, found \"ALOW\" at position 21", bad.Stderr);
        }
        finally
        {
            (await Cli.RunAsync("fw", "delete", uuid)).Ok();
        }
    }
}
