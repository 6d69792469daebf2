using Berth.Core.Firewall;
using Berth.Tests.Containers;

namespace Berth.Tests.Firewall;

public sealed class RuleParserTests
{
    // Each rule, its canonical form, and that the canonical form parses back to the same rule.
    private static readonly string[] s_good =
    [
        "FROM any TO all vms ALLOW tcp PORT 22",
        "from any to all vms allow tcp port 22",
        "FROM (tag role=web OR ip 192.0.2.7) TO tag role=db ALLOW tcp PORTS 5432, 6432",
        "FROM tag \"VM type\" = \"LDAP server\" TO all vms ALLOW tcp PORT 389",
        "FROM all vms TO tag syslog ALLOW udp port 514",
        "FROM subnet 10.8.0.0/16 TO vm 0F570678-C007-4610-A2C0-BBFCAAB9F4E6 ALLOW tcp port 443",
        "FROM all vms TO (ip 10.2.0.1 OR ip fd22::1234) BLOCK tcp port 25",
        "FROM any TO all vms ALLOW icmp TYPE 8 CODE 0",
        "FROM any TO all vms ALLOW icmp (TYPE 8 AND TYPE 0 CODE 0)",
        "FROM any TO all vms ALLOW icmp TYPE all",
        "FROM any TO all vms ALLOW icmp6 TYPE 128",
        "FROM all vms TO any BLOCK tcp PORT all",
        "FROM all vms TO any ALLOW tcp PORT 22 PRIORITY 1",
        "FROM subnet 10.20.30.0/24 TO tag mta BLOCK tcp PORT 25 PRIORITY 100",
        "FROM tag www TO any ALLOW tcp ports 80, 443, 8000-8100",
        "FROM tag www TO any ALLOW tcp PORTS 8000 - 8100, 9000 -9001, 9100- 9101",
        "FROM tag www TO any ALLOW tcp (port 80 AND port 443)",
        "FROM any TO all vms ALLOW ah",
        "FROM any TO all vms ALLOW esp",
        "FROM any TO all vms ALLOW udp (PORT 500 and PORT 4500)",
        "FROM (vm 163dcedb-828d-43c9-b076-625423250ee2 OR tag db) TO (subnet 10.2.2.0/24 OR ip 10.3.0.1) BLOCK tcp port 443",
        "FROM tag role = db TO tag role = www ALLOW tcp port 5432",
        "FROM tag n=1 TO tag flag=true ALLOW tcp PORT 1",
        "FROM (tag a) TO all vms ALLOW tcp PORT 65535",
        "  FROM\tany   TO all   VMS ALLOW TCP PORT 22  ",
        "FROM tag \"quote\\\"d\" TO all vms ALLOW udp PORT 53",
    ];

    [Fact]
    public void GoodRulesParseToTheirCanonicalForm()
    {
        var lines = new System.Text.StringBuilder();
        foreach (string rule in s_good)
        {
            ParsedRule parsed = RuleParser.Parse(rule);
            lines.Append(rule).Append('\n').Append("  => ").Append(parsed.Canonical).Append('\n');
            Assert.Equal(parsed.Canonical, RuleParser.Parse(parsed.Canonical).Canonical);
        }

        Golden.Verify("fw-parse.txt", lines.ToString());
    }

    [Fact]
    public void ParsedRuleHoldsTheParts()
    {
        ParsedRule r = RuleParser.Parse("FROM (tag role=web OR ip 192.0.2.7) TO tag role=db ALLOW tcp PORTS 5432, 6432-6440 PRIORITY 7");
        Assert.Equal([new TagTarget("role", "web"), new IpTarget(System.Net.IPAddress.Parse("192.0.2.7"))], r.From.Targets);
        Assert.Equal(new TagTarget("role", "db"), Assert.Single(r.To.Targets));
        Assert.Equal(FwAction.Allow, r.Action);
        Assert.Equal(FwProtocol.Tcp, r.Protocol);
        Assert.Equal([new PortRange(5432, 5432), new PortRange(6432, 6440)], r.Ports);
        Assert.Equal(7, r.Priority);
    }

    // The rule, the 1-based position the error must point at, and a part of the message.
    public static TheoryData<string, int, string> BadRules => new()
    {
        { "", 1, "empty" },
        { "TO any FROM all vms ALLOW tcp PORT 22", 1, "expected FROM" },
        { "FROM", 5, "expected a target" },
        { "FROM anywhere TO all vms ALLOW tcp PORT 22", 6, "expected a target" },
        { "FROM any all vms ALLOW tcp PORT 22", 10, "expected TO" },
        { "FROM any TO all ALLOW tcp PORT 22", 17, "\"vms\" after \"all\"" },
        { "FROM any TO all vms ALOW tcp PORT 22", 21, "expected ALLOW or BLOCK, found \"ALOW\"" },
        { "FROM any TO all vms ALLOW", 26, "expected a protocol" },
        { "FROM any TO all vms ALLOW tcpp PORT 22", 27, "expected a protocol" },
        { "FROM any TO all vms ALLOW tcp", 30, "expected PORT, PORTS" },
        { "FROM any TO all vms ALLOW tcp 22", 31, "expected PORT, PORTS" },
        { "FROM any TO all vms ALLOW tcp PORT", 35, "expected a port" },
        { "FROM any TO all vms ALLOW tcp PORT 0", 36, "expected a port (1-65535)" },
        { "FROM any TO all vms ALLOW tcp PORT 65536", 36, "expected a port" },
        { "FROM any TO all vms ALLOW tcp PORT ssh", 36, "expected a port" },
        { "FROM any TO all vms ALLOW tcp PORTS 80,", 40, "expected a port" },
        { "FROM any TO all vms ALLOW tcp PORTS 90-80", 37, "runs backwards" },
        { "FROM any TO all vms ALLOW tcp (PORT 80 OR PORT 443)", 40, "expected AND or \")\"" },
        { "FROM any TO all vms ALLOW tcp (PORT 80 AND 443)", 44, "expected PORT" },
        { "FROM any TO all vms ALLOW tcp (PORT 80", 39, "expected AND or \")\"" },
        { "FROM any TO all vms ALLOW tcp PORTS 1,2,3,4,5,6,7,8,9", 53, "at most 8 ports" },
        { "FROM any TO all vms ALLOW tcp PORT 22 extra", 39, "PRIORITY or the end of the rule" },
        { "FROM any TO all vms ALLOW tcp PORT 22 PRIORITY", 47, "expected a priority" },
        { "FROM any TO all vms ALLOW tcp PORT 22 PRIORITY 101", 48, "expected a priority (0-100)" },
        { "FROM any TO all vms ALLOW tcp PORT 22 PRIORITY 1 2", 50, "the end of the rule" },
        { "FROM any TO all vms ALLOW icmp PORT 22", 32, "expected TYPE" },
        { "FROM any TO all vms ALLOW icmp TYPE 256", 37, "an ICMP type (0-255)" },
        { "FROM any TO all vms ALLOW icmp TYPE 8 CODE x", 44, "an ICMP code" },
        { "FROM any TO all vms ALLOW icmp (TYPE 8 AND TYPE 0", 50, "expected AND or \")\"" },
        { "FROM any TO all vms ALLOW ah PORT 50", 30, "PRIORITY or the end of the rule" },
        { "FROM (tag a OR) TO all vms ALLOW tcp PORT 1", 15, "expected a target" },
        { "FROM (tag a tag b) TO all vms ALLOW tcp PORT 1", 13, "expected OR or \")\"" },
        { "FROM (any OR tag a) TO all vms ALLOW tcp PORT 1", 7, "cannot be part of a target list" },
        { "FROM (tag a OR all vms) TO tag b ALLOW tcp PORT 1", 16, "cannot be part of a target list" },
        { "FROM tag TO all vms ALLOW tcp PORT 1", 10, "expected a tag name after tag, found \"TO\"" },
        { "FROM tag a = TO all vms ALLOW tcp PORT 1", 14, "expected a tag value after =, found \"TO\"" },
        { "FROM tag a = ) TO all vms ALLOW tcp PORT 1", 14, "expected a tag value" },
        { "FROM tag \"unterminated TO all vms ALLOW tcp PORT 1", 10, "unterminated quoted string" },
        { "FROM vm 1234 TO any ALLOW tcp PORT 1", 9, "expected an instance UUID" },
        { "FROM ip 10.0.0.256 TO all vms ALLOW tcp PORT 1", 9, "expected an IPv4 or IPv6 address" },
        { "FROM ip 10.1 TO all vms ALLOW tcp PORT 1", 9, "expected an IPv4 or IPv6 address" },
        { "FROM subnet 10.0.0.0 TO all vms ALLOW tcp PORT 1", 13, "CIDR form" },
        { "FROM subnet 10.0.0.0/33 TO all vms ALLOW tcp PORT 1", 13, "CIDR form" },
        { "FROM subnet 10.0.0.1/24 TO all vms ALLOW tcp PORT 1", 13, "did you mean 10.0.0.0/24?" },
        { "FROM any TO any ALLOW tcp PORT 22", 1, "does not affect any instance" },
        { "FROM ip 10.0.0.1 TO subnet 10.0.0.0/24 ALLOW tcp PORT 22", 1, "does not affect any instance" },
        { "FROM any TO (tag a OR tag b OR tag c OR tag d OR tag e OR tag f OR tag g OR tag h OR tag i OR tag j OR tag k OR tag l OR tag m OR tag n OR tag o OR tag p OR tag q OR tag r OR tag s OR tag t OR tag u OR tag v OR tag w OR tag x OR tag y) ALLOW tcp PORT 1", 230, "at most 24 targets" },
        { "FROM any TO all vms \"ALLOW\" tcp PORT 22", 21, "expected ALLOW or BLOCK" },
        { "FROM any TO all vms ALLOW tcp PORT 22,", 38, "PRIORITY or the end" },
        { "FROM tag OR TO all vms ALLOW tcp PORT 1", 10, "quote it" },
        { "FROM any TO all vms = ALLOW tcp PORT 22", 21, "expected ALLOW or BLOCK, found \"=\"" },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void BadRuleIsRejectedAtThePositionOfTheProblem(string rule, int position, string message)
    {
        RuleSyntaxException e = Assert.Throws<RuleSyntaxException>(() => RuleParser.Parse(rule));
        Assert.Contains(message, e.Message);
        Assert.Equal(position, e.Position);
        Assert.Contains($"at position {position}", e.Message);
        Assert.Equal("rule", Assert.Single(e.Errors).Property);
    }

    [Fact]
    public void ThereAreAtLeastThirtyBadRules() => Assert.True(BadRules.Count >= 30);
}
