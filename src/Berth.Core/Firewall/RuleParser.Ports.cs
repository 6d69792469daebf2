using System.Globalization;

namespace Berth.Core.Firewall;

/// <summary>Ports of tcp and udp rules, types of icmp rules.</summary>
public sealed partial class RuleParser
{
    /// <summary>PORT n | PORT all | PORTS a, b - c | (PORT a AND PORT b); an empty list means all ports.</summary>
    private List<PortRange> ParsePorts()
    {
        Token t = Take();
        if (t.Is("PORT"))
        {
            if (Peek.Is("all"))
            {
                Take();
                return [];
            }

            return [ParsePortItem()];
        }

        var ports = new List<PortRange>();
        if (t.Is("PORTS"))
        {
            do
            {
                CheckListLength(ports.Count, "ports");
                ports.Add(ParsePortItem());
            }
            while (Peek.Kind == TokenKind.Comma && Take().Kind == TokenKind.Comma);
            return ports;
        }

        if (t.Kind == TokenKind.LParen)
        {
            do
            {
                CheckListLength(ports.Count, "ports");
                Expect("PORT");
                ports.Add(ParsePortItem());
            }
            while (AndOrClose());
            return ports;
        }

        throw Error(t, "PORT, PORTS or \"(\" with the ports");
    }

    // Inside parentheses: AND continues the list, ")" ends it.
    private bool AndOrClose()
    {
        Token t = Take();
        return t.Is("AND") || (t.Kind == TokenKind.RParen ? false : throw Error(t, "AND or \")\""));
    }

    private void CheckListLength(int count, string what)
    {
        if (count == ParsedRule.MaxPortsOrTypes)
        {
            throw new RuleSyntaxException(_rule, Peek.Offset, $"a rule lists at most {ParsedRule.MaxPortsOrTypes} {what}");
        }
    }

    /// <summary>A port or a range: "80", "8000-8100", "8000 - 8100" (the tokenizer keeps '-' inside words).</summary>
    private PortRange ParsePortItem()
    {
        Token first = Take();
        string text = first.Text;
        int dash = text.IndexOf('-', StringComparison.Ordinal);
        if (first.Kind == TokenKind.Word && dash > 0 && dash < text.Length - 1)
        {
            return Range(first, Port(first, text[..dash]), Port(first, text[(dash + 1)..]));
        }

        int low = Port(first, dash > 0 ? text[..dash] : text);
        if (dash < 0 && !(Peek.Kind == TokenKind.Word && Peek.Text.StartsWith('-')))
        {
            return new PortRange(low, low);
        }

        // "8000-" then "8100", or "8000" then "-" "8100" or "-8100".
        if (dash < 0)
        {
            Token dashToken = Take();
            if (dashToken.Text.Length > 1)
            {
                return Range(first, low, Port(dashToken, dashToken.Text[1..]));
            }
        }

        Token last = Take();
        return Range(first, low, Port(last, last.Text));
    }

    private PortRange Range(Token at, int first, int last) =>
        first <= last ? new PortRange(first, last)
            : throw new RuleSyntaxException(_rule, at.Offset, $"port range {first} - {last} runs backwards (the lower port comes first)");

    private int Port(Token at, string text) =>
        at.Kind == TokenKind.Word && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535
            ? port
            : throw new RuleSyntaxException(_rule, at.Offset, $"expected a port (1-65535), found {at.Shown}");

    /// <summary>TYPE n [CODE m] | TYPE all | (TYPE a AND TYPE b CODE c); an empty list means all types.</summary>
    private List<IcmpType> ParseTypes()
    {
        Token t = Take();
        if (t.Is("TYPE"))
        {
            if (Peek.Is("all"))
            {
                Take();
                return [];
            }

            return [ParseTypeItem()];
        }

        if (t.Kind == TokenKind.LParen)
        {
            var types = new List<IcmpType>();
            do
            {
                CheckListLength(types.Count, "types");
                Expect("TYPE");
                types.Add(ParseTypeItem());
            }
            while (AndOrClose());
            return types;
        }

        throw Error(t, "TYPE or \"(\" with the ICMP types");
    }

    private IcmpType ParseTypeItem()
    {
        int type = ParseNumber(0, 255, "an ICMP type (0-255)");
        if (!Peek.Is("CODE"))
        {
            return new IcmpType(type, null);
        }

        Take();
        return new IcmpType(type, ParseNumber(0, 255, "an ICMP code (0-255)"));
    }
}
