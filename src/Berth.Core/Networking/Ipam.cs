using Berth.Core.Manifests;

namespace Berth.Core.Networking;

/// <summary>The pure rules of address management: ranges, and which free address comes next.</summary>
public static class Ipam
{
    /// <summary>The lowest address of [<paramref name="first"/>, <paramref name="last"/>] that is neither used nor excluded; null when the range is full.</summary>
    public static uint? PickFree(uint first, uint last, IReadOnlySet<uint> used, IReadOnlyCollection<uint> excluded)
    {
        for (ulong a = first; a <= last; a++)
        {
            uint address = (uint)a;
            if (!used.Contains(address) && !excluded.Contains(address))
            {
                return address;
            }
        }

        return null;
    }

    /// <summary>How many addresses of the range can be handed out.</summary>
    public static int Capacity(uint first, uint last, IReadOnlyCollection<uint> excluded) =>
        (int)(last - first + 1) - excluded.Count(e => e >= first && e <= last);

    /// <summary>The default range of a subnet: every host address (network and broadcast left out).</summary>
    public static (uint First, uint Last) DefaultRange(uint network, int prefixLength)
    {
        uint broadcast = network | ~Ipv4.Mask(prefixLength);
        return prefixLength >= 31 ? (network, broadcast) : (network + 1, broadcast - 1);
    }
}
