using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Networking;

namespace Berth.Core.Instances;

/// <summary>Turns a validated nic and its network into the plan the plumber carries out.</summary>
internal static class NicPlanner
{
    public static NicPlan Plan(int index, Nic nic, Api.Contracts.Network network)
    {
        IPNetwork subnet = IPNetwork.Parse(network.Subnet!);
        List<string> addresses = nic.Ips is { Count: > 0 } ips
            ? [.. ips]
            : nic.Ip is { } ip && ip != "dhcp"
                ? [$"{ip}/{PrefixOf(nic.Netmask) ?? subnet.PrefixLength}"]
                : [];

        foreach (string cidr in addresses)
        {
            IPAddress address = IPAddress.Parse(cidr.Split('/')[0]);
            if (!subnet.Contains(address))
            {
                throw BerthException.Invalid($"nics[{index}].ip", $"{address} is not in network \"{network.Name}\" ({network.Subnet})");
            }
        }

        string? gateway = nic.Primary == true ? nic.Gateway ?? network.Gateway : null;
        return new NicPlan(index, network.Bridge!, nic.Mac!, addresses, gateway, network.Mtu);
    }

    private static int? PrefixOf(string? netmask)
    {
        if (netmask is null)
        {
            return null;
        }

        byte[] bytes = IPAddress.Parse(netmask).GetAddressBytes();
        return bytes.Sum(b => System.Numerics.BitOperations.PopCount(b));
    }
}
