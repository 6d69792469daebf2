using Berth.Core.Host.Interop;

namespace Berth.Core.Storage.Btrfs;

/// <summary>Turns btrfs quotas on and tells which kind is on: simple quotas keep snapshots fast, classic qgroups slow them 10-100x.</summary>
internal static class BtrfsQuota
{
    public const string Simple = "simple";
    public const string Qgroup = "qgroup";
    public const string None = "none";

    /// <summary>Enables simple quotas (kernel 6.7+) when preferred and possible, else classic qgroups; returns the mode now on.</summary>
    public static string Enable(string mountpoint, bool preferSimple)
    {
        string current = Detect(mountpoint);
        if (current != None)
        {
            return current;
        }

        using var root = OpenDirectory.Open(mountpoint);
        if (preferSimple)
        {
            try
            {
                BtrfsIoctl.QuotaCtl(root, BtrfsIoctl.QuotaCtlEnableSimpleQuota);
                return Detect(mountpoint);
            }
            catch (ErrnoException e) when (e.Errno is ErrnoException.EINVAL or ErrnoException.EOPNOTSUPP or ErrnoException.ENOTTY)
            {
                // Kernels before 6.7 do not know cmd 4: fall back to classic qgroups.
            }
        }

        BtrfsIoctl.QuotaCtl(root, BtrfsIoctl.QuotaCtlEnable);
        return Detect(mountpoint);
    }

    /// <summary>Reads the mode from /sys/fs/btrfs/FSID/qgroups/mode ("squota", "qgroup"); no qgroups directory means quotas are off.</summary>
    public static string Detect(string mountpoint)
    {
        Guid fsid;
        using (var root = OpenDirectory.Open(mountpoint))
        {
            fsid = BtrfsIoctl.FsId(root);
        }

        string qgroups = $"/sys/fs/btrfs/{fsid:D}/qgroups";
        if (!Directory.Exists(qgroups))
        {
            return None;
        }

        string modeFile = Path.Combine(qgroups, "mode");
        // Kernels before 6.7 have no mode file: only classic qgroups exist there.
        string mode = File.Exists(modeFile) ? File.ReadAllText(modeFile).Trim() : "qgroup";
        return mode switch
        {
            "squota" => Simple,
            "qgroup" => Qgroup,
            _ => None,
        };
    }
}
