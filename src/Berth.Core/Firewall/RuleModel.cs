using System.Globalization;
using System.Net;
using System.Text;

namespace Berth.Core.Firewall;

public enum FwAction
{
    Allow,
    Block,
}

public enum FwProtocol
{
    Tcp,
    Udp,
    Icmp,
    Icmp6,
    Ah,
    Esp,
}

/// <summary>One target of a rule side: a VM, an IP, a subnet or a tag (with or without a value).</summary>
public abstract record FwTarget
{
    /// <summary>True for targets that name instances (vm, tag): they attach the rule to those instances.</summary>
    public abstract bool NamesInstances { get; }

    /// <summary>The target as the canonical rule text writes it.</summary>
    public abstract string Canonical { get; }
}

public sealed record VmTarget(string Uuid) : FwTarget
{
    public override bool NamesInstances => true;
    public override string Canonical => $"vm {Uuid}";
}

public sealed record IpTarget(IPAddress Address) : FwTarget
{
    public override bool NamesInstances => false;
    public override string Canonical => $"ip {Address}";
}

public sealed record SubnetTarget(IPNetwork Subnet) : FwTarget
{
    public override bool NamesInstances => false;
    public override string Canonical => $"subnet {Subnet}";
}

public sealed record TagTarget(string Name, string? Value) : FwTarget
{
    public override bool NamesInstances => true;
    public override string Canonical => Value is null ? $"tag {Quote(Name)}" : $"tag {Quote(Name)} = {Quote(Value)}";

    /// <summary>A tag word as written: bare when the tokenizer reads it back as one word, else in double quotes.</summary>
    internal static string Quote(string text) =>
        text.Length > 0 && text.All(RuleTokenizer.IsWordChar) && !RuleParser.IsReserved(text)
            ? text
            : "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>One side of a rule: <c>any</c>, <c>all vms</c>, or a list of targets joined by OR.</summary>
public sealed record FwSide(bool Any, bool AllVms, IReadOnlyList<FwTarget> Targets)
{
    public static FwSide AnyHost { get; } = new(true, false, []);
    public static FwSide AllInstances { get; } = new(false, true, []);

    /// <summary>Whether this side names instances, so that the rule applies to them.</summary>
    public bool NamesInstances => AllVms || Targets.Any(t => t.NamesInstances);

    public string Canonical => Any ? "any"
        : AllVms ? "all vms"
        : Targets.Count == 1 ? Targets[0].Canonical
        : "(" + string.Join(" OR ", Targets.Select(t => t.Canonical)) + ")";
}

/// <summary>A port or an inclusive range of ports.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{First} - {Last}");
}

/// <summary>An ICMP type with an optional code.</summary>
public readonly record struct IcmpType(int Type, int? Code)
{
    public override string ToString() => Code is int c
        ? string.Create(CultureInfo.InvariantCulture, $"TYPE {Type} CODE {c}")
        : string.Create(CultureInfo.InvariantCulture, $"TYPE {Type}");
}

/// <summary>A parsed fwadm rule: FROM side TO side, action, protocol with its ports or ICMP types, priority.</summary>
/// <param name="Ports">tcp/udp ports; empty means all ports</param>
/// <param name="Types">icmp/icmp6 types; empty means all types</param>
/// <param name="Priority">0-100; higher is evaluated first</param>
public sealed record ParsedRule(
    FwSide From,
    FwSide To,
    FwAction Action,
    FwProtocol Protocol,
    IReadOnlyList<PortRange> Ports,
    IReadOnlyList<IcmpType> Types,
    int Priority)
{
    public const int MaxPriority = 100;
    public const int MaxTargets = 24;
    public const int MaxPortsOrTypes = 8;

    public bool HasPorts => Protocol is FwProtocol.Tcp or FwProtocol.Udp;

    public bool HasTypes => Protocol is FwProtocol.Icmp or FwProtocol.Icmp6;

    /// <summary>The rule as Berth stores and prints it: keywords in capitals, protocol in lower case, one spelling for each form.</summary>
    public string Canonical
    {
        get
        {
            var text = new StringBuilder();
            text.Append("FROM ").Append(From.Canonical).Append(" TO ").Append(To.Canonical)
                .Append(Action == FwAction.Allow ? " ALLOW " : " BLOCK ")
                .Append(Protocol.ToString().ToLowerInvariant());
            if (HasPorts)
            {
                text.Append(Ports.Count switch
                {
                    0 => " PORT all",
                    1 when Ports[0].First == Ports[0].Last => $" PORT {Ports[0]}",
                    _ => " PORTS " + string.Join(", ", Ports),
                });
            }
            else if (HasTypes)
            {
                text.Append(Types.Count switch
                {
                    0 => " TYPE all",
                    1 => $" {Types[0]}",
                    _ => " (" + string.Join(" AND ", Types) + ")",
                });
            }

            if (Priority > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" PRIORITY {Priority}");
            }

            return text.ToString();
        }
    }
}
