namespace Berth.Core.Host.Cgroups;

/// <summary>Reads an instance's cgroup (v1 or v2) from the host side: for tests, `vm info` and metrics.</summary>
public sealed class InstanceCgroup
{
    private readonly IReadOnlyList<CgroupMount> _mounts;

    /// <param name="cgroupsPath">the OCI cgroupsPath, for example "/berth/&lt;uuid&gt;"</param>
    public InstanceCgroup(string cgroupsPath, IReadOnlyList<CgroupMount>? mounts = null)
    {
        CgroupsPath = cgroupsPath.TrimStart('/');
        _mounts = mounts ?? CgroupHost.ReadMounts();
        Mode = CgroupHost.Detect(_mounts);
    }

    public string CgroupsPath { get; }

    public CgroupMode Mode { get; }

    /// <summary>Every directory this cgroup has or would have: one per v1 hierarchy, or the v2 one.</summary>
    public IReadOnlyList<string> Directories =>
        Mode == CgroupMode.V2
            ? [Path.Combine(CgroupHost.Root, CgroupsPath)]
            : [.. _mounts.Where(m => !m.IsV2 || Mode == CgroupMode.Hybrid).Select(m => Path.Combine(m.MountPoint, CgroupsPath))];

    /// <summary>The directories that exist now (none once the instance is deleted).</summary>
    public IReadOnlyList<string> ExistingDirectories => [.. Directories.Where(Directory.Exists)];

    /// <summary>The directory of a controller: v1 its hierarchy, v2 the one tree.</summary>
    public string? ControllerDir(string controller)
    {
        if (Mode == CgroupMode.V2)
        {
            return Path.Combine(CgroupHost.Root, CgroupsPath);
        }

        CgroupMount? mount = _mounts.FirstOrDefault(m => !m.IsV2 && m.Controllers.Contains(controller));
        return mount is null ? null : Path.Combine(mount.MountPoint, CgroupsPath);
    }

    /// <summary>The memory limit in bytes, null when unlimited.</summary>
    public long? MemoryLimitBytes => Mode == CgroupMode.V2
        ? ReadLimit("memory", "memory.max")
        : Unlimited(ReadLimit("memory", "memory.limit_in_bytes"));

    /// <summary>The pids limit, null when unlimited.</summary>
    public long? PidsMax => ReadLimit("pids", "pids.max");

    /// <summary>The CFS quota in microseconds per period, null when uncapped.</summary>
    public long? CpuQuotaMicros
    {
        get
        {
            if (Mode == CgroupMode.V2)
            {
                string? max = ReadFile("cpu", "cpu.max");
                return max is null || max.StartsWith("max", StringComparison.Ordinal) ? null : long.Parse(max.Split(' ')[0]);
            }

            long? quota = ReadLimit("cpu", "cpu.cfs_quota_us");
            return quota is null or < 0 ? null : quota;
        }
    }

    /// <summary>CPU time used by the instance so far, in nanoseconds.</summary>
    public long? CpuUsageNanos
    {
        get
        {
            if (Mode != CgroupMode.V2)
            {
                return ReadLimit("cpuacct", "cpuacct.usage");
            }

            string? stat = ReadFile("cpu", "cpu.stat");
            string? usage = stat?.Split('\n').FirstOrDefault(l => l.StartsWith("usage_usec ", StringComparison.Ordinal));
            return usage is null ? null : long.Parse(usage["usage_usec ".Length..]) * 1000;
        }
    }

    /// <summary>Times the instance hit its memory limit and the kernel OOM-killed something (v1 memory.oom_control, v2 memory.events).</summary>
    public long? OomKills
    {
        get
        {
            string? text = Mode == CgroupMode.V2 ? ReadFile("memory", "memory.events") : ReadFile("memory", "memory.oom_control");
            string? line = text?.Split('\n').FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line["oom_kill ".Length..]);
        }
    }

    // v1 reports "no limit" as a huge page-rounded number rather than "max".
    private static long? Unlimited(long? value) => value is >= long.MaxValue / 2 ? null : value;

    private long? ReadLimit(string controller, string file)
    {
        string? text = ReadFile(controller, file);
        return text is null || text == "max" ? null : long.Parse(text);
    }

    private string? ReadFile(string controller, string file)
    {
        string? dir = ControllerDir(controller);
        if (dir is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(Path.Combine(dir, file)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
