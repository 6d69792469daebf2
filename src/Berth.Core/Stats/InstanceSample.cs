using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;

namespace Berth.Core.Stats;

/// <summary>The raw counters of one instance at one moment; rates come from two of these.</summary>
/// <param name="Time">a Stopwatch timestamp (monotonic)</param>
/// <param name="Cgroup">null while the instance does not run</param>
public sealed record InstanceSample(Manifest Manifest, long Time, DateTimeOffset At, CgroupSample? Cgroup, NetCounters Net)
{
    public double SecondsSince(InstanceSample earlier) => (Time - earlier.Time) / (double)Stopwatch.Frequency;

    /// <summary>The figures of this sample, with rates over the time since <paramref name="before"/> when given.</summary>
    public InstanceStats ToStats(InstanceSample? before)
    {
        Manifest m = Manifest;
        var stats = new InstanceStats
        {
            Uuid = m.Uuid!,
            Alias = m.Alias,
            Brand = m.Brand,
            State = m.State,
            Timestamp = At,
            CpuCap = m.CpuCap,
            MaxLwps = m.MaxLwps,
        };
        if (Cgroup is not { } c)
        {
            return stats;
        }

        stats = stats with
        {
            CpuSeconds = c.CpuNanos / 1e9,
            ThrottledSeconds = c.ThrottledNanos / 1e9,
            MemoryBytes = c.MemoryBytes,
            MemoryLimitBytes = c.MemoryLimitBytes,
            SwapBytes = c.SwapBytes,
            SwapLimitBytes = c.SwapLimitBytes,
            Processes = c.Pids,
            MaxLwps = c.PidsMax ?? m.MaxLwps,
            DiskReadBytes = c.DiskReadBytes,
            DiskWriteBytes = c.DiskWriteBytes,
            NetRxBytes = Net.RxBytes,
            NetTxBytes = Net.TxBytes,
        };
        if (before?.Cgroup is not { } b)
        {
            return stats;
        }

        double dt = SecondsSince(before);
        return stats with
        {
            IntervalSeconds = Math.Round(dt, 3),
            CpuPercent = Math.Round(Rate(c.CpuNanos, b.CpuNanos, dt) / 1e9 * 100, 1),
            DiskReadBytesPerSecond = Math.Round(Rate(c.DiskReadBytes, b.DiskReadBytes, dt)),
            DiskWriteBytesPerSecond = Math.Round(Rate(c.DiskWriteBytes, b.DiskWriteBytes, dt)),
            NetRxBytesPerSecond = Math.Round(Rate(Net.RxBytes, before.Net.RxBytes, dt)),
            NetTxBytesPerSecond = Math.Round(Rate(Net.TxBytes, before.Net.TxBytes, dt)),
        };
    }

    // Counters only grow while the instance runs; a restart (or a re-plumbed nic) resets them.
    private static double Rate(long now, long before, double seconds) => seconds > 0 ? Math.Max(0, now - before) / seconds : 0;
}
