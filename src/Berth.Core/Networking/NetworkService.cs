using System.Net;
using Berth.Api.Contracts;
using Berth.Core.Store;

namespace Berth.Core.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Named networks (NAPI's fields): each maps a nic tag to a host bridge with a subnet and gateway.</summary>
public sealed class NetworkService(IStateStore store, NicPlumber plumber, NetworkDefaults defaults)
{
    public Task<IReadOnlyList<Network>> ListAsync(CancellationToken ct = default) => store.ListNetworksAsync(ct);

    public async Task<Network> GetAsync(string nameOrUuid, CancellationToken ct = default)
    {
        IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
        return all.FirstOrDefault(n => n.Name == nameOrUuid || n.Uuid == nameOrUuid)
            ?? throw BerthException.NotFound($"network \"{nameOrUuid}\" not found");
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
        Network network = NetworkValidation.Normalize(request, defaults.Bridge);
        IReadOnlyList<Network> all = await store.ListNetworksAsync(ct).ConfigureAwait(false);
        if (all.Any(n => n.Name == network.Name))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"network \"{network.Name}\" already exists");
        }

        if (all.Any(n => n.NicTag == network.NicTag))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"nic tag \"{network.NicTag}\" already has a network");
        }

        await plumber.EnsureBridgeAsync(network.Bridge!, GatewayCidr(network), network.Mtu, ct).ConfigureAwait(false);
        await store.InsertNetworkAsync(network, ct).ConfigureAwait(false);
        return network;
    }

    /// <summary>Brings every recorded network's bridge back (after a reboot bridges are gone).</summary>
    public async Task EnsureAllAsync(Action<string, Exception> onFailure, CancellationToken ct = default)
    {
        foreach (Network network in await store.ListNetworksAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await plumber.EnsureBridgeAsync(network.Bridge!, GatewayCidr(network), network.Mtu, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                onFailure(network.Name!, e);
            }
        }
    }

    public static string GatewayCidr(Network network) =>
        $"{network.Gateway}/{IPNetwork.Parse(network.Subnet!).PrefixLength}";
}
