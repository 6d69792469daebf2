namespace Berth.Core.Host.Cgroups;

/// <summary>The limits of one instance's cgroup, independent of the cgroup version; null means unlimited.</summary>
/// <param name="MemoryBytes">the memory limit</param>
/// <param name="MemorySwapBytes">memory plus swap, as vmadm's max_swap counts it (at least <paramref name="MemoryBytes"/>)</param>
/// <param name="CpuShares">the v1 CFS weight (2-262144); v2 maps it to cpu.weight as crun does</param>
/// <param name="CpuQuotaMicros">CFS bandwidth per <paramref name="CpuPeriodMicros"/></param>
/// <param name="PidsMax">most tasks (processes and threads) at once</param>
public sealed record CgroupLimits(
    long? MemoryBytes,
    long? MemorySwapBytes,
    long? CpuShares,
    long? CpuQuotaMicros,
    long CpuPeriodMicros,
    long? PidsMax)
{
    /// <summary>crun's mapping of v1 cpu.shares (2-262144) onto v2 cpu.weight (1-10000), so both paths agree.</summary>
    public static long SharesToWeight(long shares) => shares == 0 ? 100 : 1 + ((Math.Clamp(shares, 2, 262_144) - 2) * 9999 / 262_142);
}
