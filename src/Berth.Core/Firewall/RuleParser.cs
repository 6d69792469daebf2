using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Core.Firewall;

/// <summary>
/// Parses fwadm's rule language: <c>FROM side TO side ALLOW|BLOCK protocol [ports or types] [PRIORITY n]</c>.
/// Keywords are case-insensitive; every error names what was expected and the position of the token found instead.
/// </summary>
public sealed partial class RuleParser
{
    private readonly string _rule;
    private readonly List<Token> _tokens;
    private int _next;

    private RuleParser(string rule)
    {
        _rule = rule;
        _tokens = RuleTokenizer.Tokenize(rule);
    }

    /// <exception cref="RuleSyntaxException">the rule does not parse, or names no instance</exception>
    public static ParsedRule Parse(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new RuleParser(rule).ParseRule();
    }

    private Token Peek => _tokens[_next];

    private Token Take() => _tokens[_next++];

    private RuleSyntaxException Error(Token at, string expected) =>
        new(_rule, at.Offset, $"expected {expected}, found {at.Shown}");

    private Token Expect(string keyword, string? expected = null)
    {
        Token t = Take();
        return t.Is(keyword) ? t : throw Error(t, expected ?? keyword);
    }

    private ParsedRule ParseRule()
    {
        if (Peek.Kind == TokenKind.End)
        {
            throw new RuleSyntaxException(_rule, 0, "the rule is empty: expected FROM");
        }

        Expect("FROM");
        FwSide from = ParseSide();
        Expect("TO", "TO (or OR inside parentheses)");
        FwSide to = ParseSide();
        FwAction action = ParseAction();
        (FwProtocol protocol, List<PortRange> ports, List<IcmpType> types) = ParseProtocol();
        int priority = 0;
        if (Peek.Is("PRIORITY"))
        {
            Take();
            priority = ParseNumber(0, ParsedRule.MaxPriority, "a priority (0-100)");
        }

        if (Peek.Kind != TokenKind.End)
        {
            throw Error(Peek, priority == 0 && !Peek.Is("PRIORITY") ? "PRIORITY or the end of the rule" : "the end of the rule");
        }

        if (!from.NamesInstances && !to.NamesInstances)
        {
            throw new RuleSyntaxException(_rule, 0,
                "the rule does not affect any instance: one side must be a vm, a tag or all vms");
        }

        return new ParsedRule(from, to, action, protocol, ports, types, priority);
    }

    private FwSide ParseSide()
    {
        Token t = Peek;
        if (t.Is("any"))
        {
            Take();
            return FwSide.AnyHost;
        }

        if (t.Is("all"))
        {
            Take();
            Expect("vms", "\"vms\" after \"all\"");
            return FwSide.AllInstances;
        }

        if (t.Kind != TokenKind.LParen)
        {
            return new FwSide(false, false, [ParseTarget()]);
        }

        Take();
        var targets = new List<FwTarget>();
        while (true)
        {
            if (targets.Count == ParsedRule.MaxTargets)
            {
                throw new RuleSyntaxException(_rule, Peek.Offset, $"a target list holds at most {ParsedRule.MaxTargets} targets");
            }

            targets.Add(ParseTarget());
            Token after = Take();
            if (after.Kind == TokenKind.RParen)
            {
                return new FwSide(false, false, targets);
            }

            if (!after.Is("OR"))
            {
                throw Error(after, "OR or \")\"");
            }
        }
    }

    private FwTarget ParseTarget()
    {
        Token kind = Take();
        if (kind.Is("any") || kind.Is("all"))
        {
            throw new RuleSyntaxException(_rule, kind.Offset, $"\"{kind.Text}\" stands alone and cannot be part of a target list");
        }

        if (kind.Is("vm"))
        {
            Token id = Take();
            return id.Kind == TokenKind.Word && id.Text.Length == 36 && Guid.TryParseExact(id.Text, "D", out _)
                ? new VmTarget(id.Text.ToLowerInvariant())
                : throw Error(id, "an instance UUID after vm");
        }

        if (kind.Is("ip"))
        {
            Token ip = Take();
            return ip.Kind == TokenKind.Word && IsAddress(ip.Text, out IPAddress? address)
                ? new IpTarget(address!)
                : throw Error(ip, "an IPv4 or IPv6 address after ip");
        }

        if (kind.Is("subnet"))
        {
            return new SubnetTarget(ParseSubnet());
        }

        if (kind.Is("tag"))
        {
            string name = ParseTagWord("a tag name after tag");
            if (Peek.Kind != TokenKind.Equals)
            {
                return new TagTarget(name, null);
            }

            Take();
            return new TagTarget(name, ParseTagWord("a tag value after ="));
        }

        throw Error(kind, "a target (any, all vms, vm, ip, subnet, tag or a list in parentheses)");
    }

    private IPNetwork ParseSubnet()
    {
        Token t = Take();
        int slash = t.Text.IndexOf('/', StringComparison.Ordinal);
        if (t.Kind != TokenKind.Word || slash < 0 || !IsAddress(t.Text[..slash], out IPAddress? address)
            || !int.TryParse(t.Text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
            || prefix > (address!.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            throw Error(t, "a subnet in CIDR form (10.0.0.0/24) after subnet");
        }

        var network = new IPNetwork(Mask(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
        {
            throw new RuleSyntaxException(_rule, t.Offset, $"{t.Text} is not a subnet's own address (did you mean {network}?)");
        }

        return network;
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - bits));
        }

        return new IPAddress(bytes);
    }

    private static bool IsAddress(string text, out IPAddress? address) =>
        IPAddress.TryParse(text, out address)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    // Bare keywords that could end a target are refused as tag words (quoted, they are fine): "tag a = TO ..." is a mistake.
    private static readonly string[] s_reserved = ["FROM", "TO", "OR", "AND", "ALLOW", "BLOCK"];

    internal static bool IsReserved(string word) => s_reserved.Any(k => string.Equals(k, word, StringComparison.OrdinalIgnoreCase));

    private string ParseTagWord(string expected)
    {
        Token t = Take();
        if (t.Kind == TokenKind.Word && IsReserved(t.Text))
        {
            throw new RuleSyntaxException(_rule, t.Offset, $"{Error(t, expected).Problem} (quote it to use it as a tag word)");
        }

        return t.Kind is TokenKind.Word or TokenKind.Quoted && t.Text.Length > 0 ? t.Text : throw Error(t, expected);
    }

    private FwAction ParseAction()
    {
        Token t = Take();
        return t.Is("ALLOW") ? FwAction.Allow
            : t.Is("BLOCK") ? FwAction.Block
            : throw Error(t, "ALLOW or BLOCK");
    }

    private (FwProtocol, List<PortRange>, List<IcmpType>) ParseProtocol()
    {
        Token t = Take();
        FwProtocol protocol = t.Text.ToLowerInvariant() switch
        {
            "tcp" when t.Kind == TokenKind.Word => FwProtocol.Tcp,
            "udp" when t.Kind == TokenKind.Word => FwProtocol.Udp,
            "icmp" when t.Kind == TokenKind.Word => FwProtocol.Icmp,
            "icmp6" when t.Kind == TokenKind.Word => FwProtocol.Icmp6,
            "ah" when t.Kind == TokenKind.Word => FwProtocol.Ah,
            "esp" when t.Kind == TokenKind.Word => FwProtocol.Esp,
            _ => throw Error(t, "a protocol (tcp, udp, icmp, icmp6, ah or esp)"),
        };
        return protocol switch
        {
            FwProtocol.Tcp or FwProtocol.Udp => (protocol, ParsePorts(), []),
            FwProtocol.Icmp or FwProtocol.Icmp6 => (protocol, [], ParseTypes()),
            _ => (protocol, [], []),
        };
    }

    private int ParseNumber(int min, int max, string expected)
    {
        Token t = Take();
        return t.Kind == TokenKind.Word && int.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw Error(t, expected);
    }
}
