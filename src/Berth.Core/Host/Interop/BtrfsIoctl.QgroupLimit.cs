using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private const ulong LimitMaxExclusive = 1 << 1;
    private const ulong LimitClear = ulong.MaxValue;

    /// <summary>struct btrfs_ioctl_qgroup_limit_args: a qgroup id and struct btrfs_qgroup_limit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct QgroupLimitArgs
    {
        public ulong QgroupId;
        public ulong Flags;
        public ulong MaxReferenced;
        public ulong MaxExclusive;
        public ulong ReservedReferenced;
        public ulong ReservedExclusive;
    }

    private static readonly nuint s_qgroupLimit = Ioctl.Encode(2, Magic, 43, sizeof(QgroupLimitArgs));

    /// <summary>BTRFS_IOC_QGROUP_LIMIT on the subvolume's own qgroup (id 0 = the subvolume of the fd): caps its exclusive bytes, null clears.</summary>
    /// <remarks>Exclusive, not referenced: a clone shares its image's extents, which must not count against the instance.</remarks>
    public static void QgroupLimitExclusive(SafeFileHandle subvolume, ulong? bytes)
    {
        var args = new QgroupLimitArgs { QgroupId = 0, Flags = LimitMaxExclusive, MaxExclusive = bytes ?? LimitClear };
        // SAFETY: args is a local of the kernel's 48-byte layout.
        Ioctl.Call(subvolume, s_qgroupLimit, &args, "BTRFS_IOC_QGROUP_LIMIT");
    }
}
