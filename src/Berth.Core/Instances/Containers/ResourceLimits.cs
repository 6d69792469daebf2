using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;

namespace Berth.Core.Instances.Containers;

/// <summary>A manifest's resource properties as cgroup limits: what crun is given at create and what a live update writes.</summary>
public static class ResourceLimits
{
    private const long MiB = 1024 * 1024;

    /// <summary>The CFS period cpu_cap is expressed against: cap percent of one CPU = cap * 1000 us per 100 ms.</summary>
    public const long CpuPeriodMicros = 100_000;

    public static CgroupLimits Of(Manifest m)
    {
        long? memory = m.MaxPhysicalMemory is > 0 and long mem ? mem * MiB : null;
        // memory+swap as vmadm's max_swap; it may not be below the memory limit (v1 says EINVAL).
        long? swap = m.MaxSwap is > 0 and long s ? Math.Max(s, m.MaxPhysicalMemory ?? 0) * MiB : null;
        return new CgroupLimits(
            MemoryBytes: memory,
            MemorySwapBytes: swap,
            CpuShares: m.CpuShares is > 0 and long shares ? shares : null,
            CpuQuotaMicros: m.CpuCap is > 0 and long cap ? cap * CpuPeriodMicros / 100 : null,
            CpuPeriodMicros: CpuPeriodMicros,
            PidsMax: m.MaxLwps is > 0 and long lwps ? lwps : null);
    }
}
