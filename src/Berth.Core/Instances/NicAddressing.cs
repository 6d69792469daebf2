using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Manifests;
using Berth.Core.Networking;
using Berth.Core.Store;

namespace Berth.Core.Instances;

/// <summary>IPAM for instances: claims each nic's addresses in the store (allocating the absent ones) and fills them in.</summary>
public sealed class NicAddressing(IStateStore store, NetworkService networks)
{
    /// <summary>
    /// Resolves the network of each nic, claims its addresses for <paramref name="instanceUuid"/> in one transaction and
    /// returns the nics with ip, netmask, gateway, nic_tag and network_uuid filled in. Claims the instance holds are kept.
    /// </summary>
    /// <param name="positions">each nic's place in the manifest's nics[], for messages (default: its place in <paramref name="nics"/>)</param>
    public async Task<List<Nic>> ClaimAsync(string instanceUuid, IReadOnlyList<Nic> nics, CancellationToken ct, IReadOnlyList<int>? positions = null)
    {
        var claims = new List<AddressClaim>();
        var resolved = new List<(Api.Contracts.Network Network, int FirstClaim, bool Allocate)>();
        for (int i = 0; i < nics.Count; i++)
        {
            Nic nic = nics[i];
            string path = $"nics[{positions?[i] ?? i}]";
            Api.Contracts.Network network = await networks.ForNicAsync(nic, path, ct).ConfigureAwait(false);
            (uint first, uint last, IReadOnlyCollection<uint> excluded) = NetworkValidation.RangeOf(network);
            List<string> explicitIps = ExplicitAddresses(nic, network, path);
            resolved.Add((network, claims.Count, explicitIps.Count == 0));
            if (explicitIps.Count == 0)
            {
                claims.Add(new AddressClaim(network.Uuid!, network.Name!, nic.Mac!, null, first, last, excluded, $"{path}.ip"));
            }

            claims.AddRange(explicitIps.Select(ip => new AddressClaim(network.Uuid!, network.Name!, nic.Mac!, ip, first, last, excluded, $"{path}.ip")));
        }

        IReadOnlyList<string> held = await store.ClaimAddressesAsync(instanceUuid, claims, ct).ConfigureAwait(false);
        var result = new List<Nic>();
        for (int i = 0; i < nics.Count; i++)
        {
            (Api.Contracts.Network network, int firstClaim, bool allocate) = resolved[i];
            string netmask = Netmask(network);
            Nic nic = nics[i];
            result.Add(nic with
            {
                Ip = allocate ? held[firstClaim] : nic.Ip,
                Netmask = allocate || (nic.Ip is not null && nic.Netmask is null) ? netmask : nic.Netmask,
                Gateway = nic.Gateway ?? network.Gateway,
                NicTag = network.NicTag,
                NetworkUuid = network.Uuid,
            });
        }

        return result;
    }

    /// <summary>Frees the addresses of the nics with these MACs (all the instance's when null).</summary>
    public Task ReleaseAsync(string instanceUuid, IReadOnlyCollection<string>? macs = null) =>
        store.ReleaseAddressesAsync(instanceUuid, macs, CancellationToken.None);

    // The addresses a nic names (ip, ips), each checked against its network.
    private static List<string> ExplicitAddresses(Nic nic, Api.Contracts.Network network, string path)
    {
        IPNetwork subnet = IPNetwork.Parse(network.Subnet!);
        var ips = new List<string>();
        if (nic.Ip is not null)
        {
            ips.Add(nic.Ip);
        }

        ips.AddRange((nic.Ips ?? []).Select(c => c.Split('/')[0]));
        foreach (string ip in ips)
        {
            if (!subnet.Contains(IPAddress.Parse(ip)))
            {
                throw BerthException.Invalid($"{path}.ip", $"{ip} is not in network \"{network.Name}\" ({network.Subnet})");
            }

            if (ip == network.Gateway)
            {
                throw BerthException.Invalid($"{path}.ip", $"{ip} is the gateway of network \"{network.Name}\"");
            }

            Ipv4.TryParse(ip, out uint a);
            if (a == (a & Ipv4.Mask(subnet.PrefixLength)) || a == (a | ~Ipv4.Mask(subnet.PrefixLength)))
            {
                throw BerthException.Invalid($"{path}.ip", $"{ip} is the network or broadcast address of {network.Subnet}");
            }
        }

        return ips;
    }

    private static string Netmask(Api.Contracts.Network network) =>
        Ipv4.Format(Ipv4.Mask(IPNetwork.Parse(network.Subnet!).PrefixLength));
}
