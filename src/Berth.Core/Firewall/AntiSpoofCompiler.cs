using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Berth.Core.Firewall;

/// <summary>
/// Compiles the <c>bridge berth_antispoof</c> table: each instance nic may send only from its own MAC and IPs, as in
/// SmartOS. Keyed on the host veth (which root inside the instance cannot touch); sets keep it a few rules whatever the
/// number of nics. A pure function of its input.
/// </summary>
public static class AntiSpoofCompiler
{
    public const string Table = "berth_antispoof";

    public static string Compile(IReadOnlyList<FwInstance> instances)
    {
        List<FwNic> nics = [.. instances.SelectMany(i => i.Nics).OrderBy(n => n.HostInterface, StringComparer.Ordinal)];
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"table bridge {Table} {{\n");
        AppendSet(text, "mac_checked", "ifname", false, nics.Where(n => !n.AllowMacSpoofing).Select(n => Name(n)));
        AppendSet(text, "macs", "ifname . ether_addr", false, nics.Select(n => $"{Name(n)} . {n.Mac.ToLowerInvariant()}"));
        AppendSet(text, "ip_checked", "ifname", false, nics.Where(n => !n.AllowIpSpoofing).Select(n => Name(n)));
        AppendSet(text, "ips", "ifname . ipv4_addr", true, nics.SelectMany(n => n.Addresses
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(a => a.ToString())
            .Concat(n.AllowedIps.Where(a => !a.Contains(':', StringComparison.Ordinal)))
            .Distinct().Select(a => $"{Name(n)} . {a}")));
        AppendSet(text, "dhcp_checked", "ifname", false, nics.Where(n => !n.AllowDhcpSpoofing).Select(n => Name(n)));
        // Priority -200 runs before br_netfilter (0) hands bridged IPv4 to conntrack and the inet firewall.
        text.Append("""
                chain prerouting {
                    type filter hook prerouting priority -200; policy accept;
                    iifname @mac_checked iifname . ether saddr != @macs drop
                    iifname @mac_checked ether type arp iifname . arp saddr ether != @macs drop
                    iifname @ip_checked ether type arp arp saddr ip != 0.0.0.0 iifname . arp saddr ip != @ips drop
                    iifname @ip_checked ether type ip ip saddr 0.0.0.0 udp sport 68 udp dport 67 accept
                    iifname @ip_checked ether type ip iifname . ip saddr != @ips drop
                    iifname @ip_checked ether type ip6 ip6 saddr != { ::, fe80::/10 } drop
                    iifname @dhcp_checked ether type ip udp sport 67 udp dport 68 drop
                }
            }

            """.Replace("    ", "\t", StringComparison.Ordinal));
        return text.ToString();
    }

    private static string Name(FwNic nic) => $"\"{nic.HostInterface}\"";

    private static void AppendSet(StringBuilder text, string name, string type, bool interval, IEnumerable<string> elements)
    {
        List<string> list = [.. elements];
        text.Append(CultureInfo.InvariantCulture, $"\tset {name} {{\n\t\ttype {type}\n");
        if (interval)
        {
            text.Append("\t\tflags interval\n");
        }

        if (list.Count > 0)
        {
            text.Append("\t\telements = { ").AppendJoin(", ", list).Append(" }\n");
        }

        text.Append("\t}\n");
    }
}
