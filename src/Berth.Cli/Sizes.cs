using System.Globalization;

namespace Berth.Cli;

/// <summary>Sizes on the command line ("20G", "512M", "1T", "4096") and in tables, in powers of 1024.</summary>
public static class Sizes
{
    private static readonly (string Suffix, int Shift)[] s_units = [("K", 10), ("M", 20), ("G", 30), ("T", 40), ("P", 50)];

    /// <summary>Bytes of a size: a whole number with an optional K/M/G/T/P suffix (also KB, KiB...), case-insensitive.</summary>
    public static long ParseBytes(string text)
    {
        string s = text.Trim();
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^2];
        }
        else if (s.EndsWith('B') || s.EndsWith('b'))
        {
            s = s[..^1];
        }

        int shift = 0;
        foreach ((string suffix, int unitShift) in s_units)
        {
            if (s.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                s = s[..^1];
                shift = unitShift;
                break;
            }
        }

        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number <= 0)
        {
            throw new UsageException($"\"{text}\" is not a size: give a positive whole number with an optional unit, like 20G or 512M");
        }

        if (number > long.MaxValue >> shift)
        {
            throw new UsageException($"\"{text}\" is too large a size");
        }

        return number << shift;
    }

    /// <summary>A byte count for people: 20G, 512M, 1.5G; exact multiples print without decimals.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture);
        }

        for (int i = s_units.Length - 1; i >= 0; i--)
        {
            long unit = 1L << s_units[i].Shift;
            if (bytes >= unit)
            {
                double value = (double)bytes / unit;
                string number = bytes % unit == 0
                    ? (bytes / unit).ToString(CultureInfo.InvariantCulture)
                    : value.ToString(value >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture);
                return number + s_units[i].Suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}
