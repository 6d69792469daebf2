using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Store;

namespace Berth.Core.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Named networks (NAPI's fields): each maps a nic tag to a host bridge with a subnet, gateway and address range.</summary>
public sealed class NetworkService(IStateStore store, NicPlumber plumber, NetworkDefaults defaults)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<IReadOnlyList<Network>> ListAsync(CancellationToken ct = default) => store.ListNetworksAsync(ct);

    /// <summary>The network with its address usage filled in.</summary>
    public async Task<Network> GetAsync(string nameOrUuid, CancellationToken ct = default)
    {
        Network network = await FindAsync(nameOrUuid, ct).ConfigureAwait(false);
        (uint first, uint last, IReadOnlyCollection<uint> excluded) = NetworkValidation.RangeOf(network);
        IReadOnlyList<HeldAddress> held = await store.ListAddressesAsync(network.Uuid!, ct).ConfigureAwait(false);
        return network with { UsedAddresses = held.Count, TotalAddresses = Ipam.Capacity(first, last, excluded) };
    }

    /// <summary>The network a nic names: by network_uuid when given, else by nic_tag.</summary>
    public async Task<Network> ForNicAsync(Nic nic, string path, CancellationToken ct = default)
    {
        IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
        // A nic received from another host names that host's network uuid: its nic tag, the name hosts share, finds the network here.
        if (nic.NetworkUuid is { } uuid && (all.Any(n => n.Uuid == uuid) || nic.NicTag is null))
        {
            Network network = all.FirstOrDefault(n => n.Uuid == uuid)
                ?? throw BerthException.Invalid($"{path}.network_uuid", $"no network has uuid {uuid} (berth network list shows them)");
            if (nic.NicTag is { } tag && tag != network.NicTag)
            {
                throw BerthException.Invalid($"{path}.nic_tag", $"\"{tag}\" is not the nic tag of network \"{network.Name}\" ({network.NicTag})");
            }

            return network;
        }

        return await ForNicTagAsync(nic.NicTag ?? "admin", $"{path}.nic_tag", ct).ConfigureAwait(false);
    }

    /// <summary>The network a nic tag names.</summary>
    public async Task<Network> ForNicTagAsync(string nicTag, string property, CancellationToken ct = default)
    {
        IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
        return all.FirstOrDefault(n => n.NicTag == nicTag)
            ?? throw BerthException.Invalid(property, $"no network has nic tag \"{nicTag}\" (berth network list shows them)");
    }

    public async Task<Network> CreateAsync(Network request, CancellationToken ct = default)
    {
        Network network = NetworkValidation.Normalize(request with { BridgeCreated = null }, defaults.Bridge);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
            CheckUnique(network, all);
            if (network.VlanId is not null && HostNetworkFeatures.VlanFiltering == false)
            {
                throw new BerthException(ErrorKind.Unavailable, $"vlan_id: network \"{network.Name}\" cannot have VLAN {network.VlanId}: {HostNetworkFeatures.NoVlanReason}",
                    [new PropertyError("vlan_id", HostNetworkFeatures.NoVlanReason)]);
            }

            bool created = await plumber.EnsureBridgeAsync(network.Bridge!, GatewayCidr(network), network.Mtu, ct).ConfigureAwait(false);
            network = network with { BridgeCreated = created };
            try
            {
                await SetUpSegmentAsync(network, ct).ConfigureAwait(false);
                await store.InsertNetworkAsync(network, ct).ConfigureAwait(false);
            }
            catch
            {
                await TearDownAsync(network).ConfigureAwait(false);
                throw;
            }

            return network;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes a network no nic uses; its bridge goes with it when Berth made it, and its VXLAN device always.</summary>
    public async Task DeleteAsync(string nameOrUuid, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Network network = await FindAsync(nameOrUuid, ct).ConfigureAwait(false);
            IReadOnlyList<HeldAddress> held = await store.ListAddressesAsync(network.Uuid!, ct).ConfigureAwait(false);
            List<string> users = [.. held.Select(h => h.InstanceUuid).Distinct()];
            foreach (Manifest m in await store.ListInstancesAsync(ct).ConfigureAwait(false))
            {
                if ((m.Nics ?? []).Any(n => n.NetworkUuid == network.Uuid || (n.NetworkUuid is null && n.NicTag == network.NicTag)) && !users.Contains(m.Uuid!))
                {
                    users.Add(m.Uuid!);
                }
            }

            if (users.Count > 0)
            {
                throw new BerthException(ErrorKind.Conflict,
                    $"network \"{network.Name}\" is used by the nics of {users.Count} instance(s) ({string.Join(", ", users.Take(5))}{(users.Count > 5 ? ", ..." : "")}): remove those nics or instances first");
            }

            await TearDownAsync(network).ConfigureAwait(false);
            await store.DeleteNetworkAsync(network.Uuid!, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Brings every recorded network's bridge and segment back (after a reboot they are gone); applies nothing twice.</summary>
    public async Task EnsureAllAsync(Action<string, Exception> onFailure, CancellationToken ct = default)
    {
        foreach (Network network in await store.ListNetworksAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await plumber.EnsureBridgeAsync(network.Bridge!, GatewayCidr(network), network.Mtu, ct).ConfigureAwait(false);
                await SetUpSegmentAsync(network, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                onFailure(network.Name!, e);
            }
        }
    }

    public static string GatewayCidr(Network network) =>
        $"{network.Gateway}/{IPNetwork.Parse(network.Subnet!).PrefixLength}";

    private async Task<Network> FindAsync(string nameOrUuid, CancellationToken ct)
    {
        IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
        return all.FirstOrDefault(n => n.Name == nameOrUuid || n.Uuid == nameOrUuid)
            ?? throw BerthException.NotFound($"network \"{nameOrUuid}\" not found");
    }

    private static void CheckUnique(Network network, IReadOnlyList<Network> all)
    {
        if (all.Any(n => n.Name == network.Name))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"network \"{network.Name}\" already exists");
        }

        if (all.FirstOrDefault(n => n.NicTag == network.NicTag) is { } sameTag)
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"nic tag \"{network.NicTag}\" already has a network (\"{sameTag.Name}\")");
        }

        if (all.FirstOrDefault(n => n.Bridge == network.Bridge) is { } sameBridge)
        {
            throw new BerthException(ErrorKind.AlreadyExists,
                $"bridge {network.Bridge} already carries network \"{sameBridge.Name}\": name another with --bridge");
        }

        if (network.VxlanVni is not null && all.FirstOrDefault(n => n.VxlanVni == network.VxlanVni) is { } sameVni)
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"VXLAN {network.VxlanVni} is already network \"{sameVni.Name}\"");
        }
    }

    private async Task SetUpSegmentAsync(Network network, CancellationToken ct)
    {
        if (network.VxlanVni is int vni)
        {
            await plumber.EnsureVxlanAsync(network.Bridge!, vni, network.VxlanPeers ?? [], network.Mtu, ct).ConfigureAwait(false);
        }

        if (network.VlanId is not null)
        {
            await plumber.EnsureVlanFilteringAsync(network.Bridge!, ct).ConfigureAwait(false);
        }
    }

    private async Task TearDownAsync(Network network)
    {
        if (network.VxlanVni is int vni)
        {
            await plumber.DeleteVxlanAsync(vni).ConfigureAwait(false);
        }

        if (network.BridgeCreated == true)
        {
            await plumber.DeleteBridgeAsync(network.Bridge!).ConfigureAwait(false);
        }
    }
}
