namespace Berth.Core.Networking;

/// <summary>One nic as it is plumbed: host veth in a bridge, its peer inside the instance's network namespace.</summary>
/// <param name="Index">position in nics[]: the interface inside is eth{Index}</param>
/// <param name="Bridge">the host bridge its nic tag maps to</param>
/// <param name="Mac">MAC address inside</param>
/// <param name="Addresses">CIDR addresses inside (10.0.0.5/24)</param>
/// <param name="Gateway">default gateway, set only on the primary nic</param>
public sealed record NicPlan(int Index, string Bridge, string Mac, IReadOnlyList<string> Addresses, string? Gateway, int? Mtu);
