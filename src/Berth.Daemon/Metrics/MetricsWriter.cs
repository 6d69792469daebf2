using Berth.Core.Host.Cgroups;
using Berth.Core.Instances;
using Berth.Core.Stats;
using Berth.Core.Storage;
using Labels = System.Collections.Generic.IReadOnlyList<System.Collections.Generic.KeyValuePair<string, string>>;

namespace Berth.Daemon.Metrics;

/// <summary>Builds the /metrics page from counters read at scrape time: per-instance series labelled uuid, alias, brand, and host series.</summary>
internal static class MetricsWriter
{
    private delegate double? Value(CgroupSample c, InstanceSample s);

    // Per running instance: name, type, help, value (absent values are left out).
    private static readonly (string Name, string Type, string Help, Value Read)[] s_series =
    [
        ("berth_instance_cpu_seconds_total", "counter", "CPU time the instance used.", (c, _) => c.CpuNanos / 1e9),
        ("berth_instance_throttled_seconds_total", "counter", "Time the instance was held back by its cpu_cap.", (c, _) => c.ThrottledNanos / 1e9),
        ("berth_instance_throttled_periods_total", "counter", "CFS periods in which the instance hit its cpu_cap.", (c, _) => c.ThrottledPeriods),
        ("berth_instance_cpu_cap_percent", "gauge", "The instance's cpu_cap in percent of one CPU (absent without a cap).", (_, s) => s.Manifest.CpuCap is > 0 and long cap ? cap : null),
        ("berth_instance_memory_bytes", "gauge", "Memory charged to the instance (what max_physical_memory limits).", (c, _) => c.MemoryBytes),
        ("berth_instance_memory_limit_bytes", "gauge", "The instance's memory limit.", (c, _) => c.MemoryLimitBytes),
        ("berth_instance_swap_bytes", "gauge", "Swap the instance uses.", (c, _) => c.SwapBytes),
        ("berth_instance_swap_limit_bytes", "gauge", "The instance's memory plus swap limit (max_swap).", (c, _) => c.SwapLimitBytes),
        ("berth_instance_processes", "gauge", "Processes and threads of the instance.", (c, _) => c.Pids),
        ("berth_instance_processes_limit", "gauge", "The instance's max_lwps.", (c, _) => c.PidsMax),
        ("berth_instance_disk_read_bytes_total", "counter", "Bytes the instance read from block devices.", (c, _) => c.DiskReadBytes),
        ("berth_instance_disk_written_bytes_total", "counter", "Bytes the instance wrote to block devices (direct I/O only on cgroup v1).", (c, _) => c.DiskWriteBytes),
        ("berth_instance_disk_reads_total", "counter", "Read requests of the instance.", (c, _) => c.DiskReads),
        ("berth_instance_disk_writes_total", "counter", "Write requests of the instance.", (c, _) => c.DiskWrites),
        ("berth_instance_network_receive_bytes_total", "counter", "Bytes the instance received over its nics.", (_, s) => s.Net.RxBytes),
        ("berth_instance_network_transmit_bytes_total", "counter", "Bytes the instance sent over its nics.", (_, s) => s.Net.TxBytes),
        ("berth_instance_network_receive_packets_total", "counter", "Packets the instance received over its nics.", (_, s) => s.Net.RxPackets),
        ("berth_instance_network_transmit_packets_total", "counter", "Packets the instance sent over its nics.", (_, s) => s.Net.TxPackets),
    ];

    public static async Task<string> WriteAsync(StatsService stats, PoolRegistry pools, CancellationToken ct)
    {
        IReadOnlyList<InstanceSample> samples = await stats.SampleAllAsync(ct).ConfigureAwait(false);
        var text = new PrometheusText();

        text.Family("berth_instance_state", "gauge", "1 for each instance, labelled with its state.");
        foreach (InstanceSample s in samples)
        {
            text.Sample("berth_instance_state", [.. InstanceLabels(s), new("state", s.Manifest.State ?? "unknown")], 1);
        }

        foreach ((string name, string type, string help, Value read) in s_series)
        {
            text.Family(name, type, help);
            foreach (InstanceSample s in samples)
            {
                if (s.Cgroup is { } c && read(c, s) is { } value)
                {
                    text.Sample(name, InstanceLabels(s), value);
                }
            }
        }

        text.Family("berth_instances", "gauge", "Instances on this host by state.");
        foreach (InstanceState state in Enum.GetValues<InstanceState>())
        {
            string wire = state.ToWire();
            text.Sample("berth_instances", [new("state", wire)], samples.Count(s => s.Manifest.State == wire));
        }

        await WritePoolsAsync(text, pools, ct).ConfigureAwait(false);
        return text.ToString();
    }

    private static async Task WritePoolsAsync(PrometheusText text, PoolRegistry pools, CancellationToken ct)
    {
        var usage = new List<(Labels Labels, PoolUsage Usage)>();
        foreach (IStorageDriver pool in pools.All)
        {
            try
            {
                usage.Add(([new("pool", pool.Spec.Name), new("driver", pool.Info.Name)], await pool.GetUsageAsync(ct).ConfigureAwait(false)));
            }
            catch (Core.BerthException)
            {
                // A pool that cannot be read now is left out of this scrape rather than failing it.
            }
        }

        foreach ((string name, string help, Func<PoolUsage, long> read) in new (string, string, Func<PoolUsage, long>)[]
                 {
                     ("berth_pool_size_bytes", "Size of the storage pool.", u => u.Size),
                     ("berth_pool_used_bytes", "Bytes used in the storage pool.", u => u.Used),
                     ("berth_pool_available_bytes", "Bytes still available in the storage pool.", u => u.Available),
                 })
        {
            text.Family(name, "gauge", help);
            foreach ((Labels labels, PoolUsage u) in usage)
            {
                text.Sample(name, labels, read(u));
            }
        }
    }

    private static KeyValuePair<string, string>[] InstanceLabels(InstanceSample s) =>
        [new("uuid", s.Manifest.Uuid!), new("alias", s.Manifest.Alias ?? ""), new("brand", s.Manifest.Brand ?? "")];
}
