namespace Berth.Core.Host.Cgroups;

/// <summary>cgroup v2: one unified tree; swap is limited apart from memory (memory.swap.max = max_swap - memory).</summary>
public sealed class CgroupV2Driver(string root) : ICgroupDriver
{
    /// <summary>The tree's mount point (/sys/fs/cgroup; a test passes a directory laid out like it).</summary>
    public string Root { get; } = root;

    public CgroupMode Mode => CgroupMode.V2;

    public void Apply(string cgroupsPath, CgroupLimits limits)
    {
        string dir = Dir(cgroupsPath);
        if (!Directory.Exists(dir))
        {
            throw new BerthException(ErrorKind.NotFound, $"cgroup \"{dir}\" does not exist: the instance is not running");
        }

        // Unlike v1 the two are independent: no order is needed.
        CgroupFiles.Write(dir, "memory.max", Max(limits.MemoryBytes));
        if (File.Exists(Path.Combine(dir, "memory.swap.max")))
        {
            long? swap = limits.MemorySwapBytes is { } both ? Math.Max(0, both - (limits.MemoryBytes ?? 0)) : null;
            CgroupFiles.Write(dir, "memory.swap.max", limits.MemoryBytes is null ? "max" : Max(swap));
        }

        CgroupFiles.Write(dir, "cpu.weight", CgroupFiles.Number(CgroupLimits.SharesToWeight(limits.CpuShares ?? 1024)));
        CgroupFiles.Write(dir, "cpu.max", $"{Max(limits.CpuQuotaMicros)} {CgroupFiles.Number(limits.CpuPeriodMicros)}");
        CgroupFiles.Write(dir, "pids.max", Max(limits.PidsMax));
    }

    public CgroupSample? Sample(string cgroupsPath)
    {
        string dir = Dir(cgroupsPath);
        string? cpuStat = CgroupFiles.Read(dir, "cpu.stat");
        if (cpuStat is null)
        {
            return null;
        }

        (long rbytes, long wbytes, long rios, long wios) = CgroupFiles.IoStatTotals(CgroupFiles.Read(dir, "io.stat"));
        string? swap = CgroupFiles.Read(dir, "memory.swap.current");
        long? memoryMax = CgroupFiles.ParseLong(CgroupFiles.Read(dir, "memory.max"));
        long? swapMax = CgroupFiles.ParseLong(CgroupFiles.Read(dir, "memory.swap.max"));
        return new CgroupSample
        {
            CpuNanos = CgroupFiles.KeyValue(cpuStat, "usage_usec") * 1000,
            ThrottledNanos = CgroupFiles.KeyValue(cpuStat, "throttled_usec") * 1000,
            ThrottledPeriods = CgroupFiles.KeyValue(cpuStat, "nr_throttled"),
            MemoryBytes = CgroupFiles.ReadLong(dir, "memory.current"),
            MemoryLimitBytes = memoryMax,
            SwapBytes = swap is null ? null : CgroupFiles.ParseLong(swap) ?? 0,
            // Reported as v1 and vmadm count it: memory plus swap.
            SwapLimitBytes = memoryMax is { } m && swapMax is { } s ? m + s : null,
            Pids = CgroupFiles.ReadLong(dir, "pids.current"),
            PidsMax = CgroupFiles.ParseLong(CgroupFiles.Read(dir, "pids.max")),
            DiskReadBytes = rbytes,
            DiskWriteBytes = wbytes,
            DiskReads = rios,
            DiskWrites = wios,
        };
    }

    public void EnableIoAccounting(string parentPath, string disk)
    {
    }

    public IReadOnlyList<int> Processes(string cgroupsPath) => CgroupFiles.Pids(CgroupFiles.Read(Dir(cgroupsPath), "cgroup.procs"));

    private string Dir(string cgroupsPath) => Path.Combine(Root, cgroupsPath.TrimStart('/'));

    private static string Max(long? value) => value is { } v ? CgroupFiles.Number(v) : "max";
}
