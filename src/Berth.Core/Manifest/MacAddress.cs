using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Berth.Core.Manifests;

/// <summary>MAC addresses of nics: strict parsing and deterministic generation.</summary>
public static class MacAddress
{
    /// <summary>Parses six colon-separated hex octets into lowercase canonical form.</summary>
    public static bool TryParse(string? text, out string canonical, out byte[] octets)
    {
        canonical = "";
        octets = new byte[6];
        string[] parts = text?.Split(':') ?? [];
        if (parts.Length != 6)
        {
            return false;
        }

        for (int i = 0; i < 6; i++)
        {
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out octets[i]))
            {
                return false;
            }
        }

        canonical = Format(octets);
        return true;
    }

    public static bool IsMulticast(byte[] octets) => (octets[0] & 0x01) != 0;

    public static string Format(byte[] octets) =>
        string.Join(':', octets.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>
    /// A locally administered unicast MAC derived from the instance uuid and nic index, so the same
    /// manifest gets the same MACs; <paramref name="taken"/> ones are skipped.
    /// </summary>
    public static string Generate(string uuid, int nicIndex, IReadOnlySet<string> taken)
    {
        for (int attempt = 0; ; attempt++)
        {
            byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{uuid}/{nicIndex}/{attempt}"));
            byte[] octets = hash[..6];
            octets[0] = (byte)((octets[0] & 0xfc) | 0x02); // locally administered, unicast
            string mac = Format(octets);
            if (!taken.Contains(mac))
            {
                return mac;
            }
        }
    }
}
