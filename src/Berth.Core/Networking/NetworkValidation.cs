using System.Net;
using System.Net.Sockets;

namespace Berth.Core.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Checks a network request and fills its defaults.</summary>
internal static class NetworkValidation
{
    public static Network Normalize(Network n, string defaultBridge)
    {
        var errors = new List<Api.Contracts.PropertyError>();
        void Fail(string property, string message) => errors.Add(new(property, message));

        if (string.IsNullOrWhiteSpace(n.Name) || !System.Text.RegularExpressions.Regex.IsMatch(n.Name, "^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$"))
        {
            Fail("name", $"\"{n.Name}\" is not a network name (letters, digits, . _ -)");
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

        if (n.Gateway is null || !IPAddress.TryParse(n.Gateway, out IPAddress? gateway) || gateway.AddressFamily != AddressFamily.InterNetwork)
        {
            Fail("gateway", $"\"{n.Gateway}\" is not an IPv4 address");
        }
        else if (errors.All(e => e.Property != "subnet") && !subnet.Contains(gateway))
        {
            Fail("gateway", $"{n.Gateway} is not in subnet {n.Subnet}");
        }

        string bridge = n.Bridge ?? defaultBridge;
        if (bridge.Length is 0 or > 15 || !System.Text.RegularExpressions.Regex.IsMatch(bridge, "^[A-Za-z0-9_.-]+$"))
        {
            Fail("bridge", $"\"{bridge}\" is not an interface name (at most 15 letters, digits, . _ -)");
        }

        foreach ((string r, int i) in (n.Resolvers ?? []).Select((r, i) => (r, i)))
        {
            if (!IPAddress.TryParse(r, out _))
            {
                Fail($"resolvers[{i}]", $"\"{r}\" is not an IP address");
            }
        }

        if (n.VlanId is not null)
        {
            Fail("vlan_id", "VLANs come with named networks in a later release; leave vlan_id out");
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
            NicTag = n.NicTag ?? n.Name,
            Bridge = bridge,
            Subnet = subnet.ToString(),
            Resolvers = n.Resolvers ?? [],
        };
    }
}
