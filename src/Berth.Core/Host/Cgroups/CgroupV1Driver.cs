namespace Berth.Core.Host.Cgroups;

/// <summary>cgroup v1: one hierarchy per controller (cpu, cpuacct, memory, pids, blkio), as on v1 and hybrid hosts.</summary>
public sealed class CgroupV1Driver : ICgroupDriver
{
    // The kernel's "no limit" for memory.limit_in_bytes and memsw; written as -1.
    private const string Unlimited = "-1";
    private readonly Dictionary<string, string> _mountOf;

    /// <param name="mounts">the host's v1 hierarchies (a test passes directories of its own)</param>
    public CgroupV1Driver(IReadOnlyList<CgroupMount> mounts)
    {
        _mountOf = [];
        foreach (CgroupMount m in mounts.Where(m => !m.IsV2))
        {
            foreach (string c in m.Controllers)
            {
                _mountOf.TryAdd(c, m.MountPoint);
            }
        }
    }

    public CgroupMode Mode => CgroupMode.V1;

    public void Apply(string cgroupsPath, CgroupLimits limits)
    {
        string memory = Dir("memory", cgroupsPath);
        string memoryValue = limits.MemoryBytes is { } m ? CgroupFiles.Number(m) : Unlimited;
        // memsw is absent when the kernel does not account swap (swapaccount=0): then only memory is limited.
        bool hasSwap = File.Exists(Path.Combine(memory, "memory.memsw.limit_in_bytes"));
        string swapValue = limits is { MemorySwapBytes: { } s, MemoryBytes: { } mem } ? CgroupFiles.Number(Math.Max(s, mem)) : Unlimited;
        // The kernel refuses memory above memory+swap (EINVAL): growing writes memsw first, shrinking memory first.
        long current = CgroupFiles.ReadLong(memory, "memory.limit_in_bytes");
        bool growing = swapValue == Unlimited || limits.MemoryBytes > current;
        if (hasSwap && growing)
        {
            CgroupFiles.Write(memory, "memory.memsw.limit_in_bytes", swapValue);
        }

        CgroupFiles.Write(memory, "memory.limit_in_bytes", memoryValue);
        if (hasSwap && !growing)
        {
            CgroupFiles.Write(memory, "memory.memsw.limit_in_bytes", swapValue);
        }

        string cpu = Dir("cpu", cgroupsPath);
        CgroupFiles.Write(cpu, "cpu.shares", CgroupFiles.Number(limits.CpuShares ?? 1024));
        CgroupFiles.Write(cpu, "cpu.cfs_period_us", CgroupFiles.Number(limits.CpuPeriodMicros));
        CgroupFiles.Write(cpu, "cpu.cfs_quota_us", limits.CpuQuotaMicros is { } q ? CgroupFiles.Number(q) : Unlimited);

        CgroupFiles.Write(Dir("pids", cgroupsPath), "pids.max", limits.PidsMax is { } p ? CgroupFiles.Number(p) : "max");
    }

    public CgroupSample? Sample(string cgroupsPath)
    {
        string memory = Dir("memory", cgroupsPath);
        string? usage = CgroupFiles.Read(memory, "memory.usage_in_bytes");
        if (usage is null)
        {
            return null;
        }

        long memoryBytes = CgroupFiles.ParseLong(usage) ?? 0;
        long? memsw = CgroupFiles.ParseLong(CgroupFiles.Read(memory, "memory.memsw.usage_in_bytes"));
        string? cpuStat = CgroupFiles.Read(Dir("cpu", cgroupsPath), "cpu.stat");
        string blkio = Dir("blkio", cgroupsPath);
        (long readBytes, long writeBytes) = CgroupFiles.BlkioTotals(CgroupFiles.Read(blkio, "blkio.throttle.io_service_bytes"));
        (long reads, long writes) = CgroupFiles.BlkioTotals(CgroupFiles.Read(blkio, "blkio.throttle.io_serviced"));
        string pids = Dir("pids", cgroupsPath);
        return new CgroupSample
        {
            CpuNanos = CgroupFiles.ReadLong(Dir("cpuacct", cgroupsPath), "cpuacct.usage"),
            ThrottledNanos = CgroupFiles.KeyValue(cpuStat, "throttled_time"),
            ThrottledPeriods = CgroupFiles.KeyValue(cpuStat, "nr_throttled"),
            MemoryBytes = memoryBytes,
            MemoryLimitBytes = Limit(CgroupFiles.Read(memory, "memory.limit_in_bytes")),
            SwapBytes = memsw is { } both ? Math.Max(0, both - memoryBytes) : null,
            SwapLimitBytes = Limit(CgroupFiles.Read(memory, "memory.memsw.limit_in_bytes")),
            Pids = CgroupFiles.ReadLong(pids, "pids.current"),
            PidsMax = CgroupFiles.ParseLong(CgroupFiles.Read(pids, "pids.max")),
            DiskReadBytes = readBytes,
            DiskWriteBytes = writeBytes,
            DiskReads = reads,
            DiskWrites = writes,
        };
    }

    // 1 EB/s: a limit no device reaches, which switches blk-throttle (and so its byte counters) on for the disk.
    private const string NoLimit = "1000000000000000000";

    public void EnableIoAccounting(string parentPath, string disk)
    {
        string dir = Dir("blkio", parentPath);
        string file = Path.Combine(dir, "blkio.throttle.write_bps_device");
        if (File.Exists(file) && File.ReadAllText(file).Contains(disk + " ", StringComparison.Ordinal))
        {
            return; // already on; the common case, one read per start
        }

        Directory.CreateDirectory(dir); // crun would create it with the first instance anyway
        CgroupFiles.Write(dir, "blkio.throttle.read_bps_device", $"{disk} {NoLimit}");
        CgroupFiles.Write(dir, "blkio.throttle.write_bps_device", $"{disk} {NoLimit}");
    }

    public IReadOnlyList<int> Processes(string cgroupsPath) =>
        CgroupFiles.Pids(CgroupFiles.Read(Dir("pids", cgroupsPath), "cgroup.procs"));

    // v1 reports "no limit" as a huge page-rounded number rather than "max".
    private static long? Limit(string? text) => CgroupFiles.ParseLong(text) is { } v && v < long.MaxValue / 2 ? v : null;

    private string Dir(string controller, string cgroupsPath) =>
        _mountOf.TryGetValue(controller, out string? mount)
            ? Path.Combine(mount, cgroupsPath.TrimStart('/'))
            : throw new BerthException(ErrorKind.Unavailable, $"this host mounts no cgroup v1 \"{controller}\" hierarchy under {CgroupHost.Root}");
}
