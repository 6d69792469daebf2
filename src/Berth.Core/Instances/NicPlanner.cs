using System.Globalization;
using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Manifests;
using Berth.Core.Networking;

namespace Berth.Core.Instances;

/// <summary>Turns a validated nic and its network into the plan the plumber carries out.</summary>
internal static class NicPlanner
{
    /// <param name="position">the nic's place in nics[], for messages</param>
    public static NicPlan Plan(int position, Nic nic, Api.Contracts.Network network)
    {
        IPNetwork subnet = IPNetwork.Parse(network.Subnet!);
        var addresses = new List<string>();
        foreach ((IPAddress address, int prefix) in NicAddresses.Of(nic))
        {
            if (!subnet.Contains(address))
            {
                throw BerthException.Invalid($"nics[{position}].ip", $"{address} is not in network \"{network.Name}\" ({network.Subnet})");
            }

            addresses.Add($"{address}/{prefix}");
        }

        string? gateway = nic.Primary == true ? nic.Gateway ?? network.Gateway : null;
        int? vlan = network.VlanId ?? nic.VlanId;
        if (vlan is not null && HostNetworkFeatures.VlanFiltering == false)
        {
            throw new BerthException(ErrorKind.Unavailable, $"nics[{position}].vlan_id: cannot put the nic on VLAN {vlan}: {HostNetworkFeatures.NoVlanReason}",
                [new PropertyError($"nics[{position}].vlan_id", HostNetworkFeatures.NoVlanReason)]);
        }

        return new NicPlan(IndexOf(nic, position), network.Bridge!, nic.Mac!, addresses, gateway, network.Mtu, vlan);
    }

    /// <summary>N of the nic's interface ethN (which names its host veth too); its position when it has none.</summary>
    public static int IndexOf(Nic nic, int position) =>
        nic.Interface is { Length: > 3 } name && name.StartsWith("eth", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : position;

    /// <summary>The ethN indexes of a manifest's nics.</summary>
    public static IReadOnlyList<int> Indexes(Manifest manifest) => [.. (manifest.Nics ?? []).Select((n, i) => IndexOf(n, i))];

    /// <summary>The manifest's routes as plans; "nics[N]" names the Nth nic of nics[].</summary>
    public static IReadOnlyList<RoutePlan> Routes(Manifest manifest) =>
        [.. (manifest.Routes ?? []).Select(r => PropertyReadersRoute(r.Key, r.Value, manifest))];

    private static RoutePlan PropertyReadersRoute(string destination, string gateway, Manifest manifest)
    {
        int? position = RouteGateway.NicPosition(gateway);
        return position is int p && p < (manifest.Nics?.Count ?? 0)
            ? new RoutePlan(destination, null, IndexOf(manifest.Nics![p], p))
            : new RoutePlan(destination, gateway, null);
    }
}
