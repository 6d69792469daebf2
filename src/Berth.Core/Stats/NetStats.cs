using System.Globalization;

namespace Berth.Core.Stats;

/// <summary>Byte and packet counters of one network interface.</summary>
public readonly record struct NetCounters(long RxBytes, long RxPackets, long TxBytes, long TxPackets)
{
    public static NetCounters operator +(NetCounters a, NetCounters b) =>
        new(a.RxBytes + b.RxBytes, a.RxPackets + b.RxPackets, a.TxBytes + b.TxBytes, a.TxPackets + b.TxPackets);

    /// <summary>The instance's view of its host-side veth: what the host end receives, the instance sent.</summary>
    public NetCounters Swapped() => new(TxBytes, TxPackets, RxBytes, RxPackets);
}

/// <summary>Interface counters of berthd's network namespace, from /proc/self/net/dev: one read for every interface.</summary>
/// <remarks>
/// Not /sys/class/net: sysfs shows the namespace it was mounted in, which is not berthd's when berthd was started
/// in a namespace of its own with nsenter (as the system tests do); /proc/self/net follows the process.
/// </remarks>
public static class NetStats
{
    public const string DevFile = "/proc/self/net/dev";

    public static IReadOnlyDictionary<string, NetCounters> Read() => Parse(File.ReadAllText(DevFile));

    /// <summary>Parses /proc/net/dev text (pure).</summary>
    public static IReadOnlyDictionary<string, NetCounters> Parse(string text)
    {
        var counters = new Dictionary<string, NetCounters>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue; // the two header lines
            }

            string[] f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10)
            {
                continue;
            }

            // Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets ...
            counters[line[..colon].Trim()] = new NetCounters(Long(f[0]), Long(f[1]), Long(f[8]), Long(f[9]));
        }

        return counters;
    }

    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
