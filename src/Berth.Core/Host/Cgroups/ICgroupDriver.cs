namespace Berth.Core.Host.Cgroups;

/// <summary>An instance's cgroup seen from the host: writes its limits, reads its counters. One per cgroup version.</summary>
public interface ICgroupDriver
{
    CgroupMode Mode { get; }

    /// <summary>Writes every limit at once (an unset one becomes unlimited); the cgroup must exist.</summary>
    void Apply(string cgroupsPath, CgroupLimits limits);

    /// <summary>The cgroup's counters now, or null when the cgroup does not exist (the instance is not running).</summary>
    CgroupSample? Sample(string cgroupsPath);

    /// <summary>
    /// Makes the kernel count the I/O of <paramref name="parentPath"/>'s children on <paramref name="disk"/> (MAJ:MIN).
    /// v1 counts blkio.throttle.* only on disks where blk-throttle is active, so v1 sets a limit no one reaches on the
    /// parent; v2 always counts (io.stat) and does nothing.
    /// </summary>
    void EnableIoAccounting(string parentPath, string disk);

    /// <summary>The host pids of every process in the cgroup (empty when it does not exist).</summary>
    IReadOnlyList<int> Processes(string cgroupsPath);
}

/// <summary>Picks the driver for what the host mounts: v2 on a unified host, v1 on v1 and hybrid hosts.</summary>
public static class CgroupDrivers
{
    public static ICgroupDriver ForHost() => For(CgroupHost.ReadMounts());

    public static ICgroupDriver For(IReadOnlyList<CgroupMount> mounts) => CgroupHost.Detect(mounts) switch
    {
        CgroupMode.V2 => new CgroupV2Driver(mounts.First(m => m.IsV2 && m.MountPoint == CgroupHost.Root).MountPoint),
        CgroupMode.V1 or CgroupMode.Hybrid => new CgroupV1Driver(mounts),
        _ => throw new BerthException(ErrorKind.Unavailable, $"no cgroup hierarchy is mounted under {CgroupHost.Root}: instances cannot be limited or measured"),
    };
}

/// <summary>Counters of one cgroup at one moment; limits are null when unlimited.</summary>
public sealed record CgroupSample
{
    public long CpuNanos { get; init; }
    public long ThrottledNanos { get; init; }
    public long ThrottledPeriods { get; init; }
    public long MemoryBytes { get; init; }
    public long? MemoryLimitBytes { get; init; }
    /// <summary>Swap in use; null where the kernel does not account swap.</summary>
    public long? SwapBytes { get; init; }
    public long? SwapLimitBytes { get; init; }
    public long Pids { get; init; }
    public long? PidsMax { get; init; }
    public long DiskReadBytes { get; init; }
    public long DiskWriteBytes { get; init; }
    public long DiskReads { get; init; }
    public long DiskWrites { get; init; }
}
