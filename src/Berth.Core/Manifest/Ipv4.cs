using System.Globalization;

namespace Berth.Core.Manifests;

/// <summary>Strict IPv4 text forms: four dotted decimals, no leading zeros (IPAddress.Parse accepts "10.1").</summary>
public static class Ipv4
{
    public static bool TryParse(string? text, out uint address)
    {
        address = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            bool digitsOnly = part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit);
            if (!digitsOnly || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            int octet = int.Parse(part, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            address = (address << 8) | (uint)octet;
        }

        return true;
    }

    /// <summary>Parses a dotted netmask whose one bits are contiguous into its prefix length.</summary>
    public static bool TryParseNetmask(string? text, out int prefixLength)
    {
        prefixLength = 0;
        if (!TryParse(text, out uint mask))
        {
            return false;
        }

        uint inverted = ~mask;
        if ((inverted & (inverted + 1)) != 0)
        {
            return false;
        }

        prefixLength = 32 - System.Numerics.BitOperations.PopCount(inverted);
        return true;
    }

    /// <summary>Parses <c>a.b.c.d/n</c> with n from 1 to 32.</summary>
    public static bool TryParseCidr(string? text, out uint address, out int prefixLength)
    {
        address = 0;
        prefixLength = 0;
        int slash = text?.IndexOf('/') ?? -1;
        if (slash < 0)
        {
            return false;
        }

        string bits = text![(slash + 1)..];
        return TryParse(text[..slash], out address)
            && bits.Length is > 0 and <= 2
            && bits.All(char.IsAsciiDigit)
            && (bits.Length == 1 || bits[0] != '0')
            && int.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength)
            && prefixLength is >= 1 and <= 32;
    }

    public static uint Mask(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);

    public static string Format(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";

    public static string FormatSubnet(uint address, int prefixLength) =>
        $"{Format(address & Mask(prefixLength))}/{prefixLength}";

    public static bool InSubnet(uint address, uint network, int prefixLength) =>
        (address & Mask(prefixLength)) == (network & Mask(prefixLength));

    /// <summary>False for 0/8, loopback, multicast, reserved and broadcast: addresses no nic can own.</summary>
    public static bool IsUsableHost(uint address)
    {
        uint first = address >> 24;
        return first is not 0 and not 127 and < 224;
    }
}
