using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Core.Networking;

/// <summary>Pure generators of the `ip -batch` scripts that plumb nics: one for the host side, one inside the instance.</summary>
public static partial class NicBatch
{
    /// <summary>One line of a batch script and the nic it belongs to (null: not nic-specific), to name the nic a failure hit.</summary>
    public sealed record BatchLine(int? Nic, string Text);

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

    /// <summary>
    /// One `link add` per nic, run in the host namespace: the host end is enslaved and up at creation, the peer
    /// is created directly inside the instance's namespace with its final name, MAC and mtu.
    /// </summary>
    public static IReadOnlyList<BatchLine> HostScript(string uuid, int pid, IReadOnlyList<NicPlan> nics)
    {
        var lines = new List<BatchLine>();
        foreach (NicPlan nic in nics)
        {
            Validate(nic);
            string host = HostInterfaceName(uuid, nic.Index);
            string mtu = nic.Mtu is int m ? string.Create(CultureInfo.InvariantCulture, $" mtu {m}") : "";
            lines.Add(new(nic.Index, string.Create(CultureInfo.InvariantCulture,
                $"link add {host} master {nic.Bridge}{mtu} up type veth peer name eth{nic.Index} address {nic.Mac}{mtu} netns {pid}")));
        }

        return lines;
    }

    /// <summary>The configuration run inside the instance's namespace: lo up, addresses, links up, the default route.</summary>
    public static IReadOnlyList<BatchLine> InnerScript(IReadOnlyList<NicPlan> nics)
    {
        var lines = new List<BatchLine> { new(null, "link set lo up") };
        foreach (NicPlan nic in nics)
        {
            Validate(nic);
            foreach (string address in nic.Addresses)
            {
                lines.Add(new(nic.Index, string.Create(CultureInfo.InvariantCulture, $"addr add {address} dev eth{nic.Index}")));
            }

            lines.Add(new(nic.Index, string.Create(CultureInfo.InvariantCulture, $"link set eth{nic.Index} up")));
        }

        // Routes last: a gateway is reachable only once its link is up and addressed.
        foreach (NicPlan nic in nics)
        {
            if (nic.Gateway is { } gateway)
            {
                string family = IPAddress.Parse(gateway).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "-6 " : "";
                lines.Add(new(nic.Index, string.Create(CultureInfo.InvariantCulture, $"{family}route replace default via {gateway} dev eth{nic.Index}")));
            }
        }

        return lines;
    }

    /// <summary>The text fed to `ip -batch -`.</summary>
    public static string Join(IEnumerable<BatchLine> lines)
    {
        var sb = new StringBuilder();
        foreach (BatchLine line in lines)
        {
            sb.Append(line.Text).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The 1-based line of a script that `ip -batch` reported as failed ("Command failed -:3"), if any.</summary>
    public static int? FailedLine(string stderr)
    {
        Match m = FailedLineRegex().Match(stderr);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Refuses anything but a plain interface name, so it can be spliced into a batch line.</summary>
    public static void ValidateInterfaceName(string name, string property)
    {
        if (!NameRegex().IsMatch(name))
        {
            throw BerthException.Invalid(property, $"\"{name}\" is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
        }
    }

    // Everything spliced into a batch line is checked, so a value can never add words to the script.
    private static void Validate(NicPlan nic)
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

    [GeneratedRegex(@"Command failed -:(\d+)")]
    private static partial Regex FailedLineRegex();
}
