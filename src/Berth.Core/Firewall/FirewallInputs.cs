using System.Net;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Manifests;
using Berth.Core.Networking;

namespace Berth.Core.Firewall;

/// <summary>A nic as anti-spoofing sees it: its host veth, MAC, addresses and what the manifest relaxes.</summary>
/// <param name="AllowedIps">extra IPv4 addresses or CIDR subnets it may send from</param>
public sealed record FwNic(
    string HostInterface,
    string Mac,
    IReadOnlyList<IPAddress> Addresses,
    bool AllowIpSpoofing,
    bool AllowMacSpoofing,
    bool AllowDhcpSpoofing,
    IReadOnlyList<string> AllowedIps);

/// <summary>An instance as the firewall sees it: tags as strings, addresses, nics, and whether its firewall is on.</summary>
public sealed record FwInstance(
    string Uuid,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<FwNic> Nics,
    bool FirewallEnabled)
{
    public IEnumerable<IPAddress> Addresses => Nics.SelectMany(n => n.Addresses);

    /// <summary>Reads what the firewall needs from a manifest.</summary>
    public static FwInstance From(Manifest m)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, JsonElement value) in m.Tags ?? [])
        {
            tags[name] = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => value.GetRawText(),
            };
        }

        List<FwNic> nics = [.. (m.Nics ?? []).Select((n, i) => new FwNic(
            NicRules.HostInterfaceName(m.Uuid!, i),
            n.Mac ?? "",
            [.. NicAddresses.Of(n).Select(a => a.Address)],
            n.AllowIpSpoofing == true,
            n.AllowMacSpoofing == true,
            n.AllowDhcpSpoofing == true,
            n.AllowedIps ?? []))];
        return new FwInstance(m.Uuid!, tags, nics, m.FirewallEnabled == true);
    }
}

/// <summary>A stored rule with its parsed form.</summary>
public sealed record FwRuleEntry(string Uuid, bool Enabled, ParsedRule Rule);

/// <summary>Which instances a rule's sides name.</summary>
public static class FwMatch
{
    public static bool Names(FwSide side, FwInstance instance) =>
        side.AllVms || side.Targets.Any(t => Names(t, instance));

    public static bool Names(FwTarget target, FwInstance instance) => target switch
    {
        VmTarget vm => vm.Uuid == instance.Uuid,
        TagTarget tag => instance.Tags.TryGetValue(tag.Name, out string? value) && (tag.Value is null || tag.Value == value),
        _ => false,
    };

    /// <summary>Whether a rule applies to an instance: it names the instance on either side.</summary>
    public static bool Affects(ParsedRule rule, FwInstance instance) => Names(rule.From, instance) || Names(rule.To, instance);
}
