namespace Berth.Core.Host.Cgroups;

/// <summary>How the host mounts cgroups.</summary>
public enum CgroupMode
{
    /// <summary>No cgroup hierarchy found at /sys/fs/cgroup.</summary>
    None,
    V1,
    V2,
    /// <summary>v1 controllers plus a v2 tree at /sys/fs/cgroup/unified.</summary>
    Hybrid,
}

/// <summary>The host's cgroup layout, and the fix crun needs on hybrid hosts.</summary>
public static class CgroupHost
{
    public const string Root = "/sys/fs/cgroup";

    public const string UnifiedDir = Root + "/unified";

    // Super options of a v1 mount mix controllers with flags (rw, xattr, name=systemd...): keep the controllers.
    private static readonly HashSet<string> s_v1Controllers =
    [
        "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio",
        "perf_event", "hugetlb", "pids", "rdma", "misc",
    ];

    /// <summary>Reads the cgroup mounts under /sys/fs/cgroup from a mountinfo file.</summary>
    public static IReadOnlyList<CgroupMount> ReadMounts(string mountinfoPath = "/proc/self/mountinfo") =>
        ParseMountinfo(File.ReadAllText(mountinfoPath));

    /// <summary>The cgroup mounts under /sys/fs/cgroup in mountinfo text (pure).</summary>
    public static IReadOnlyList<CgroupMount> ParseMountinfo(string mountinfo)
    {
        var mounts = new List<CgroupMount>();
        foreach (string line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // Fields: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            string[] parts = line.Split(' ');
            int dash = Array.IndexOf(parts, "-");
            if (dash < 0 || parts.Length < dash + 4 || parts.Length < 5)
            {
                continue;
            }

            string mountPoint = parts[4];
            string fsType = parts[dash + 1];
            if ((fsType != "cgroup" && fsType != "cgroup2") || !mountPoint.StartsWith(Root, StringComparison.Ordinal))
            {
                continue;
            }

            string[] controllers = fsType == "cgroup2"
                ? []
                : [.. parts[dash + 3].Split(',').Where(s_v1Controllers.Contains)];
            mounts.Add(new CgroupMount(mountPoint, fsType == "cgroup2", controllers));
        }

        return mounts;
    }

    /// <summary>v1, v2 or hybrid, from the host's mounts.</summary>
    public static CgroupMode Detect() => Detect(ReadMounts());

    public static CgroupMode Detect(IReadOnlyList<CgroupMount> mounts)
    {
        bool v2Root = mounts.Any(m => m.IsV2 && m.MountPoint == Root);
        bool v2Unified = mounts.Any(m => m.IsV2 && m.MountPoint == UnifiedDir);
        bool v1 = mounts.Any(m => !m.IsV2 && m.Controllers.Count > 0);
        return v2Root ? CgroupMode.V2
            : v1 && v2Unified ? CgroupMode.Hybrid
            : v1 ? CgroupMode.V1
            : CgroupMode.None;
    }

    /// <summary>
    /// crun 1.8 refuses to run anything on a hybrid host whose v2 tree holds controllers ("cgroups in hybrid mode
    /// not supported, drop all controllers from cgroupv2"): mount each such controller as a v1 hierarchy, which
    /// moves it out of v2. Idempotent.
    /// </summary>
    /// <returns>what was changed, or null when nothing needed changing</returns>
    public static async Task<string?> FixHybridForCrunAsync(Action<string>? log = null, CancellationToken ct = default)
    {
        if (Detect() != CgroupMode.Hybrid)
        {
            return null;
        }

        string controllersFile = Path.Combine(UnifiedDir, "cgroup.controllers");
        string[] controllers = File.Exists(controllersFile)
            ? (await File.ReadAllTextAsync(controllersFile, ct).ConfigureAwait(false)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            : [];
        var changes = new List<string>();
        foreach (string controller in controllers)
        {
            string dir = Path.Combine(Root, controller);
            if (ReadMounts().Any(m => !m.IsV2 && m.Controllers.Contains(controller)))
            {
                continue;
            }

            try
            {
                Directory.CreateDirectory(dir);
                await CommandRunner.Default.RunCheckedAsync("mount", ["-t", "cgroup", "-o", controller, "cgroup", dir], ct: ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CommandFailedException or IOException or UnauthorizedAccessException)
            {
                // Another berthd (or a test) may have mounted it meanwhile: that is the state we want.
                if (!ReadMounts().Any(m => !m.IsV2 && m.Controllers.Contains(controller)))
                {
                    throw new BerthException(ErrorKind.Unavailable,
                        $"Failed moving cgroup controller \"{controller}\" from cgroup v2 to a v1 hierarchy at \"{dir}\" (crun needs it): {e.Message}", e);
                }

                continue;
            }

            string change = $"moved cgroup controller {controller} from the v2 tree ({UnifiedDir}) to a v1 hierarchy at {dir}, because crun refuses hybrid hosts whose v2 tree holds controllers";
            log?.Invoke(change);
            changes.Add(change);
        }

        return changes.Count == 0 ? null : string.Join("; ", changes);
    }
}

/// <summary>One cgroup hierarchy mounted under /sys/fs/cgroup.</summary>
/// <param name="Controllers">v1 controllers (and name=... hierarchies are skipped); empty for v2</param>
public sealed record CgroupMount(string MountPoint, bool IsV2, IReadOnlyList<string> Controllers);
