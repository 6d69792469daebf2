using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Manifests;
using Berth.Core.Networking;

namespace Berth.Core.Instances;

/// <summary>Turns a validated nic and its network into the plan the plumber carries out.</summary>
internal static class NicPlanner
{
    public static NicPlan Plan(int index, Nic nic, Api.Contracts.Network network)
    {
        IPNetwork subnet = IPNetwork.Parse(network.Subnet!);
        var addresses = new List<string>();
        foreach ((IPAddress address, int prefix) in NicAddresses.Of(nic))
        {
            if (!subnet.Contains(address))
            {
                throw BerthException.Invalid($"nics[{index}].ip", $"{address} is not in network \"{network.Name}\" ({network.Subnet})");
            }

            addresses.Add($"{address}/{prefix}");
        }

        string? gateway = nic.Primary == true ? nic.Gateway ?? network.Gateway : null;
        return new NicPlan(index, network.Bridge!, nic.Mac!, addresses, gateway, network.Mtu);
    }

    /// <summary>Refuses an address another instance already has on the same nic tag (until IPAM allocates them).</summary>
    public static void CheckAddressesFree(int index, NicPlan plan, string nicTag, IReadOnlyList<Manifest> others)
    {
        foreach (string cidr in plan.Addresses)
        {
            string address = cidr.Split('/')[0];
            Manifest? holder = others.FirstOrDefault(m => (m.Nics ?? []).Any(n => n.NicTag == nicTag
                && NicAddresses.Of(n).Any(a => a.Address.ToString() == address)));
            if (holder is not null)
            {
                throw BerthException.Invalid($"nics[{index}].ip", $"{address} is already used by instance {holder.Alias ?? holder.Uuid}");
            }
        }
    }
}
