namespace Berth.Core.Host;

/// <summary>Finds the block device (MAJ:MIN of the whole disk) a path's filesystem lives on, from mountinfo and /sys/class/block.</summary>
public static class BlockDevice
{
    /// <summary>The whole disk holding <paramref name="path"/>, or null when its filesystem has no block device (tmpfs, overlay).</summary>
    public static string? DiskOf(string path, string mountinfo = "/proc/self/mountinfo")
    {
        string? source = MountSource(File.ReadAllText(mountinfo), Path.GetFullPath(path));
        if (source is null || !source.StartsWith("/dev/", StringComparison.Ordinal))
        {
            return null;
        }

        string sys = Path.Combine("/sys/class/block", Path.GetFileName(ResolveLink(source)));
        if (!Directory.Exists(sys))
        {
            return null;
        }

        // blk-throttle takes whole disks only: a partition's parent directory in sysfs is its disk.
        string device = File.Exists(Path.Combine(sys, "partition"))
            ? Directory.GetParent(ResolveLink(sys))!.FullName
            : sys;
        return File.ReadAllText(Path.Combine(device, "dev")).Trim();
    }

    /// <summary>The source of the mount that holds <paramref name="path"/> (the longest mount point that prefixes it; pure).</summary>
    public static string? MountSource(string mountinfo, string path)
    {
        string? best = null;
        int bestLength = -1;
        foreach (string line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 0 || f.Length < dash + 3)
            {
                continue;
            }

            string mountPoint = f[4];
            bool holds = path == mountPoint || mountPoint == "/" || path.StartsWith(mountPoint + "/", StringComparison.Ordinal);
            if (holds && mountPoint.Length >= bestLength)
            {
                best = f[dash + 2];
                bestLength = mountPoint.Length;
            }
        }

        return best;
    }

    private static string ResolveLink(string path) =>
        new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
