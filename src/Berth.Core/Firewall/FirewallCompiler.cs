using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Berth.Core.Firewall;

/// <summary>
/// Compiles fwadm rules and instances into the <c>inet berth_fw</c> table: a pure function of its inputs.
/// </summary>
/// <remarks>
/// Stateful filtering needs conntrack, which the bridge family lacks on this kernel (no nf_conntrack_bridge); bridged
/// IPv4 goes through the inet hooks (br_netfilter), where instances are told apart by address - which anti-spoofing
/// guarantees on their host veths. Instances are sets (all of them, the firewalled ones, one per tag target), so the
/// size of the ruleset grows with the rules, not with rules x instances.
/// </remarks>
public static class FirewallCompiler
{
    public const string Table = "berth_fw";

    /// <summary>A set of addresses a rule matches on: a named set (@vms, @tag_0) or a literal ({ 10.0.0.5, 10.1.0.0/16 }).</summary>
    private readonly record struct Matcher(string Expression);

    public static string Compile(IReadOnlyList<FwRuleEntry> rules, IReadOnlyList<FwInstance> instances)
    {
        List<FwRuleEntry> enabled = [.. rules.Where(r => r.Enabled)];
        List<TagTarget> tagTargets = [.. enabled
            .SelectMany(r => r.Rule.From.Targets.Concat(r.Rule.To.Targets)).OfType<TagTarget>()
            .Distinct().OrderBy(t => t.Canonical, StringComparer.Ordinal)];
        var tagSets = new Dictionary<TagTarget, string>();
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table inet {Table} {{\n");
        AppendSet(text, "vms", "every instance", instances.SelectMany(i => i.Addresses));
        AppendSet(text, "fw", "instances with firewall_enabled", instances.Where(i => i.FirewallEnabled).SelectMany(i => i.Addresses));
        for (int i = 0; i < tagTargets.Count; i++)
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"tag_{i}");
            tagSets[tagTargets[i]] = name;
            AppendSet(text, name, tagTargets[i].Canonical, instances.Where(vm => FwMatch.Names(tagTargets[i], vm)).SelectMany(vm => vm.Addresses));
        }

        text.Append("""
                chain forward {
                    type filter hook forward priority filter; policy accept;
                    ct state established,related accept
                    ip saddr @fw jump outbound
                    ip daddr @fw jump inbound
                }
                chain input {
                    type filter hook input priority filter; policy accept;
                    ct state established,related accept
                    ip saddr @fw jump outbound
                }
                chain output {
                    type filter hook output priority filter; policy accept;
                    ct state established,related accept
                    ip daddr @fw jump inbound
                }

            """.Replace("    ", "\t", StringComparison.Ordinal));

        // fwadm: the higher priority first; at equal priority the rule against the default policy wins.
        text.Append("\tchain outbound {\n");
        foreach (FwRuleEntry entry in Order(enabled, preferred: FwAction.Block))
        {
            if (entry.Rule.From.NamesInstances)
            {
                AppendRules(text, entry, Instances(entry.Rule.From, instances, tagSets), All(entry.Rule.To, instances, tagSets),
                    "ip saddr", "ip daddr", entry.Rule.Action == FwAction.Allow ? "return" : "drop");
            }
        }

        text.Append("\t}\n\tchain inbound {\n");
        foreach (FwRuleEntry entry in Order(enabled, preferred: FwAction.Allow))
        {
            if (entry.Rule.To.NamesInstances)
            {
                AppendRules(text, entry, Instances(entry.Rule.To, instances, tagSets), All(entry.Rule.From, instances, tagSets),
                    "ip daddr", "ip saddr", entry.Rule.Action == FwAction.Allow ? "accept" : "drop");
            }
        }

        text.Append("\t\tdrop\n\t}\n}\n");
        return text.ToString();
    }

    private static IEnumerable<FwRuleEntry> Order(List<FwRuleEntry> rules, FwAction preferred) =>
        rules.OrderByDescending(r => r.Rule.Priority)
            .ThenBy(r => r.Rule.Action == preferred ? 0 : 1)
            .ThenBy(r => r.Uuid, StringComparer.Ordinal);

    /// <summary>The matchers of a side's instance targets (the instances the rule is attached to).</summary>
    private static List<Matcher> Instances(FwSide side, IReadOnlyList<FwInstance> instances, Dictionary<TagTarget, string> tagSets)
    {
        if (side.AllVms)
        {
            return [new Matcher("@vms")];
        }

        var matchers = new List<Matcher>();
        foreach (FwTarget target in side.Targets)
        {
            switch (target)
            {
                case TagTarget tag:
                    matchers.Add(new Matcher("@" + tagSets[tag]));
                    break;
                case VmTarget vm when Literal(instances.Where(i => i.Uuid == vm.Uuid).SelectMany(i => i.Addresses)) is { } literal:
                    matchers.Add(literal);
                    break;
            }
        }

        return matchers;
    }

    /// <summary>The matchers of a whole side; null for <c>any</c> (no condition). ip and subnet targets share one literal set.</summary>
    private static List<Matcher>? All(FwSide side, IReadOnlyList<FwInstance> instances, Dictionary<TagTarget, string> tagSets)
    {
        if (side.Any)
        {
            return null;
        }

        List<Matcher> matchers = Instances(side, instances, tagSets);
        IEnumerable<string> literals = side.Targets.Select(t => t switch
        {
            IpTarget { Address.AddressFamily: AddressFamily.InterNetwork } ip => ip.Address.ToString(),
            SubnetTarget { Subnet.BaseAddress.AddressFamily: AddressFamily.InterNetwork } subnet => subnet.Subnet.ToString(),
            _ => null, // IPv6 targets: instances have IPv4 addresses only, so these never meet one
        }).OfType<string>();
        if (LiteralOf(literals) is { } literal)
        {
            matchers.Add(literal);
        }

        return matchers;
    }

    private static Matcher? Literal(IEnumerable<IPAddress> addresses) => LiteralOf(addresses.Select(a => a.ToString()));

    private static Matcher? LiteralOf(IEnumerable<string> items)
    {
        List<string> list = [.. items.Distinct()];
        return list.Count switch
        {
            0 => null,
            1 => new Matcher(list[0]),
            _ => new Matcher("{ " + string.Join(", ", list) + " }"),
        };
    }

    // One nft rule per (instance matcher x other side matcher x protocol match); an empty side matches nothing.
    private static void AppendRules(StringBuilder text, FwRuleEntry entry, List<Matcher> mine, List<Matcher>? others,
        string myField, string otherField, string verdict)
    {
        List<string?> otherConditions = others is null ? [null] : [.. others.Select(o => $"{otherField} {o.Expression}")];
        foreach (Matcher m in mine)
        {
            foreach (string? other in otherConditions)
            {
                foreach (string protocol in ProtocolMatches(entry.Rule))
                {
                    text.Append("\t\t").Append(myField).Append(' ').Append(m.Expression);
                    if (other is not null)
                    {
                        text.Append(' ').Append(other);
                    }

                    text.Append(' ').Append(protocol).Append(' ').Append(verdict)
                        .Append(" comment \"rule ").Append(entry.Uuid).Append("\"\n");
                }
            }
        }
    }

    private static IEnumerable<string> ProtocolMatches(ParsedRule rule)
    {
        string name = rule.Protocol.ToString().ToLowerInvariant();
        switch (rule.Protocol)
        {
            case FwProtocol.Tcp or FwProtocol.Udp when rule.Ports.Count == 0:
            case FwProtocol.Icmp when rule.Types.Count == 0:
            case FwProtocol.Ah or FwProtocol.Esp:
                yield return $"meta l4proto {name}";
                break;
            case FwProtocol.Tcp or FwProtocol.Udp:
                yield return $"{name} dport {Values(rule.Ports.Select(p => p.First == p.Last ? Num(p.First) : $"{Num(p.First)}-{Num(p.Last)}"))}";
                break;
            case FwProtocol.Icmp:
                List<IcmpType> plain = [.. rule.Types.Where(t => t.Code is null)];
                if (plain.Count > 0)
                {
                    yield return $"icmp type {Values(plain.Select(t => Num(t.Type)))}";
                }

                foreach (IcmpType coded in rule.Types.Where(t => t.Code is not null))
                {
                    yield return $"icmp type {Num(coded.Type)} icmp code {Num(coded.Code!.Value)}";
                }

                break;
            case FwProtocol.Icmp6:
                // Instances have IPv4 addresses only: an ICMPv6 rule has nothing to match yet.
                break;
        }
    }

    private static string Values(IEnumerable<string> values)
    {
        List<string> list = [.. values];
        return list.Count == 1 ? list[0] : "{ " + string.Join(", ", list) + " }";
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static void AppendSet(StringBuilder text, string name, string what, IEnumerable<IPAddress> addresses)
    {
        List<string> elements = [.. addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(a => a.ToString()).Distinct()];
        text.Append(CultureInfo.InvariantCulture, $"\tset {name} {{\n\t\ttype ipv4_addr\n\t\tcomment \"{Comment(what)}\"\n");
        if (elements.Count > 0)
        {
            text.Append("\t\telements = { ").AppendJoin(", ", elements).Append(" }\n");
        }

        text.Append("\t}\n");
    }

    /// <summary>A comment nft accepts: no quotes or backslashes, at most 128 bytes.</summary>
    internal static string Comment(string text)
    {
        string clean = new([.. text.Select(c => c is '"' or '\\' || char.IsControl(c) || c > 126 ? '_' : c)]);
        return clean.Length > 120 ? clean[..120] : clean;
    }
}
