using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Core.Networking;

/// <summary>The rules of nic plumbing: host interface names, bridge MACs and the checks of a nic plan.</summary>
public static partial class NicRules
{
    /// <summary>Highest nic index a host interface name has room for.</summary>
    public const int MaxNicIndex = 99;

    /// <summary>
    /// The host-side veth name of nic <paramref name="index"/>: "vb" + 10 hex digits of the uuid + "_" + index,
    /// at most 15 characters (IFNAMSIZ - 1) and unique per instance and nic.
    /// </summary>
    public static string HostInterfaceName(string uuid, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, MaxNicIndex);
        string hex = uuid.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (hex.Length < 10 || !HexRegex().IsMatch(hex))
        {
            throw new ArgumentException($"\"{uuid}\" is not a UUID", nameof(uuid));
        }

        return string.Create(CultureInfo.InvariantCulture, $"vb{hex[..10]}_{index}");
    }

    /// <summary>Refuses anything but a plain interface name.</summary>
    public static void ValidateInterfaceName(string name, string property)
    {
        if (!NameRegex().IsMatch(name))
        {
            throw BerthException.Invalid(property, $"\"{name}\" is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        }
    }

    /// <summary>Checks every value of a nic plan before any of it reaches the kernel or a command line.</summary>
    public static void Validate(NicPlan nic)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"nics[{nic.Index}]");
        ValidateInterfaceName(nic.Bridge, $"{where}.bridge");

        if (!MacRegex().IsMatch(nic.Mac))
        {
            throw BerthException.Invalid($"{where}.mac", $"\"{nic.Mac}\" is not a MAC address");
        }

        foreach (string address in nic.Addresses)
        {
            if (!IsCidr(address))
            {
                throw BerthException.Invalid($"{where}.ips", $"\"{address}\" is not an address in CIDR form");
            }
        }

        if (nic.Gateway is { } gateway && !IPAddress.TryParse(gateway, out _))
        {
            throw BerthException.Invalid($"{where}.gateway", $"\"{gateway}\" is not an IP address");
        }

        if (nic.Mtu is < 68 or > 65535)
        {
            throw BerthException.Invalid($"{where}.mtu", $"{nic.Mtu} is outside 68-65535");
        }
    }

    private static bool IsCidr(string s)
    {
        int slash = s.IndexOf('/');
        return slash > 0
            && IPAddress.TryParse(s[..slash], out IPAddress? ip)
            && int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
            && prefix <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32);
    }

    /// <summary>A bridge's own MAC, stable per name: a bridge left to pick the lowest port MAC changes it as ports come and go, staling neighbours' ARP caches.</summary>
    public static string BridgeMac(string bridge)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bridge));
        // 0x02: locally administered, unicast.
        return string.Create(CultureInfo.InvariantCulture, $"02:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}:{hash[3]:x2}:{hash[4]:x2}");
    }

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex HexRegex();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    private static partial Regex MacRegex();

}
