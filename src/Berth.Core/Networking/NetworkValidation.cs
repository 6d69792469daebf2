using System.Net;
using System.Net.Sockets;
using Berth.Core.Manifests;

namespace Berth.Core.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Checks a network request and fills its defaults.</summary>
internal static class NetworkValidation
{
    public const int DefaultVxlanMtu = 1450; // 1500 less the 50 bytes of VXLAN, UDP, IP and inner Ethernet headers

    public static Network Normalize(Network n, string defaultBridge)
    {
        var errors = new List<Api.Contracts.PropertyError>();
        void Fail(string property, string message) => errors.Add(new(property, message));

        if (string.IsNullOrWhiteSpace(n.Name) || !System.Text.RegularExpressions.Regex.IsMatch(n.Name, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"))
        {
            Fail("name", $"\"{n.Name}\" is not a network name (letters, digits, . _ -)");
        }

        string nicTag = n.NicTag ?? n.Name ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(nicTag, "^[A-Za-z0-9_.-]{1,64}$"))
        {
            Fail("nic_tag", $"\"{nicTag}\" is not a nic tag (letters, digits, . _ -)");
        }

        IPNetwork subnet = default;
        if (n.Subnet is null || !IPNetwork.TryParse(n.Subnet, out subnet) || subnet.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            Fail("subnet", $"\"{n.Subnet}\" is not an IPv4 subnet in CIDR form (10.222.0.0/24)");
        }
        else if (subnet.PrefixLength > 30)
        {
            Fail("subnet", $"\"{n.Subnet}\" is too small: a /30 at most");
        }

        bool subnetOk = errors.All(e => e.Property != "subnet");
        if (n.Gateway is null || !IPAddress.TryParse(n.Gateway, out IPAddress? gateway) || gateway.AddressFamily != AddressFamily.InterNetwork)
        {
            Fail("gateway", $"\"{n.Gateway}\" is not an IPv4 address");
        }
        else if (subnetOk && !subnet.Contains(gateway))
        {
            Fail("gateway", $"{n.Gateway} is not in subnet {n.Subnet}");
        }

        // Bridges are per nic tag: admin keeps the daemon's --bridge, other tags get their own.
        string bridge = n.Bridge ?? (nicTag == "admin" ? defaultBridge : $"b-{nicTag}");
        if (bridge.Length is 0 or > 15 || !System.Text.RegularExpressions.Regex.IsMatch(bridge, "^[A-Za-z0-9_.-]+$"))
        {
            Fail("bridge", n.Bridge is null
                ? $"\"{bridge}\" (the default for nic tag {nicTag}) is not an interface name (at most 15 characters): name a bridge"
                : $"\"{bridge}\" is not an interface name (at most 15 letters, digits, . _ -)");
        }

        foreach ((string r, int i) in (n.Resolvers ?? []).Select((r, i) => (r, i)))
        {
            if (!IPAddress.TryParse(r, out _))
            {
                Fail($"resolvers[{i}]", $"\"{r}\" is not an IP address");
            }
        }

        (uint first, uint last) = subnetOk ? CheckRange(n, subnet, Fail) : (0u, 0u);

        if (n.VlanId is < 1 or > 4094)
        {
            Fail("vlan_id", $"{n.VlanId} is not a VLAN ID (1-4094)");
        }

        if (n.VxlanVni is < 1 or > 16_777_215)
        {
            Fail("vxlan_vni", $"{n.VxlanVni} is not a VXLAN network identifier (1-16777215)");
        }

        if (n.VxlanPeers is { Count: > 0 } && n.VxlanVni is null)
        {
            Fail("vxlan_peers", "needs vxlan_vni");
        }

        foreach ((string p, int i) in (n.VxlanPeers ?? []).Select((p, i) => (p, i)))
        {
            if (!Ipv4.TryParse(p, out _))
            {
                Fail($"vxlan_peers[{i}]", $"\"{p}\" is not an IPv4 address");
            }
        }

        if (n.VxlanVni is not null && n.VlanId is not null)
        {
            Fail("vlan_id", "a VXLAN network has no VLAN: leave one of them out");
        }

        if (n.Mtu is < 576 or > 9000)
        {
            Fail("mtu", $"{n.Mtu} is out of range (576-9000)");
        }

        if (errors.Count > 0)
        {
            throw new BerthException(ErrorKind.InvalidArgument, $"{errors[0].Property}: {errors[0].Message}", errors);
        }

        return n with
        {
            Uuid = n.Uuid ?? Guid.NewGuid().ToString(),
            NicTag = nicTag,
            Bridge = bridge,
            Subnet = subnet.ToString(),
            Resolvers = n.Resolvers ?? [],
            ProvisionStartIp = Ipv4.Format(first),
            ProvisionEndIp = Ipv4.Format(last),
            Mtu = n.Mtu ?? (n.VxlanVni is not null ? DefaultVxlanMtu : null),
            VxlanPeers = n.VxlanVni is null ? null : n.VxlanPeers ?? [],
            UsedAddresses = null,
            TotalAddresses = null,
        };
    }

    /// <summary>The provisioning range of a normalized network, and the addresses in it never handed out (the gateway).</summary>
    public static (uint First, uint Last, IReadOnlyCollection<uint> Excluded) RangeOf(Network n)
    {
        Ipv4.TryParseCidr(n.Subnet, out uint network, out int prefix);
        (uint first, uint last) = Ipam.DefaultRange(network & Ipv4.Mask(prefix), prefix);
        // Networks recorded before IPAM have no range: the whole subnet.
        first = Ipv4.TryParse(n.ProvisionStartIp, out uint start) ? start : first;
        last = Ipv4.TryParse(n.ProvisionEndIp, out uint end) ? end : last;
        Ipv4.TryParse(n.Gateway, out uint gateway);
        return (first, last, [gateway]);
    }

    private static (uint, uint) CheckRange(Network n, IPNetwork subnet, Action<string, string> fail)
    {
        Ipv4.TryParse(subnet.BaseAddress.ToString(), out uint network);
        (uint first, uint last) = Ipam.DefaultRange(network, subnet.PrefixLength);
        uint start = first;
        uint end = last;
        if (n.ProvisionStartIp is not null && !Parse(n.ProvisionStartIp, "provision_start_ip", out start))
        {
            return (first, last);
        }

        if (n.ProvisionEndIp is not null && !Parse(n.ProvisionEndIp, "provision_end_ip", out end))
        {
            return (first, last);
        }

        if (start < first || start > last)
        {
            fail("provision_start_ip", $"{Ipv4.Format(start)} is not a host address of {subnet}");
        }
        else if (end < first || end > last)
        {
            fail("provision_end_ip", $"{Ipv4.Format(end)} is not a host address of {subnet}");
        }
        else if (start > end)
        {
            fail("provision_end_ip", $"{Ipv4.Format(end)} comes before provision_start_ip {Ipv4.Format(start)}");
        }

        return (start, end);

        bool Parse(string text, string property, out uint address)
        {
            if (Ipv4.TryParse(text, out address))
            {
                return true;
            }

            fail(property, $"\"{text}\" is not an IPv4 address");
            return false;
        }
    }
}
