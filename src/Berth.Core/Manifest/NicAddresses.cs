using System.Net;
using Berth.Api.Contracts;

namespace Berth.Core.Manifests;

/// <summary>The addresses of a validated nic, whichever form (ip with netmask, or ips) the manifest used.</summary>
public static class NicAddresses
{
    public static IReadOnlyList<(IPAddress Address, int PrefixLength)> Of(Nic nic)
    {
        var result = new List<(IPAddress, int)>();
        if (Ipv4.TryParse(nic.Ip, out uint ip) && Ipv4.TryParseNetmask(nic.Netmask, out int prefix))
        {
            result.Add((ToAddress(ip), prefix));
        }

        foreach (string cidr in nic.Ips ?? [])
        {
            if (Ipv4.TryParseCidr(cidr, out uint address, out int length))
            {
                result.Add((ToAddress(address), length));
            }
        }

        return result;
    }

    private static IPAddress ToAddress(uint address) =>
        new([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);
}
