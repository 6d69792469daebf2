namespace Berth.Core.Store;

/// <summary>One address a nic wants on a network.</summary>
/// <param name="NetworkUuid">the network</param>
/// <param name="NetworkName">for messages</param>
/// <param name="Mac">the nic's MAC, which keys it in vm update</param>
/// <param name="Ip">an explicit address, or null for any free one of the range</param>
/// <param name="First">first address of the provisioning range (host order)</param>
/// <param name="Last">last address of the range</param>
/// <param name="Excluded">addresses never handed out (the gateway)</param>
/// <param name="Property">the manifest property it came from, for errors (nics[1].ip)</param>
public sealed record AddressClaim(
    string NetworkUuid, string NetworkName, string Mac, string? Ip, uint First, uint Last, IReadOnlyCollection<uint> Excluded, string Property);

/// <summary>An address a nic holds.</summary>
public sealed record HeldAddress(string Ip, string InstanceUuid, string Mac);
