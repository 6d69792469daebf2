using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    /// <summary>struct btrfs_ioctl_qgroup_create_args: create 0 destroys.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct QgroupCreateArgs
    {
        public ulong Create;
        public ulong QgroupId;
    }

    private static readonly nuint s_qgroupCreate = Ioctl.Encode(1, Magic, 42, sizeof(QgroupCreateArgs));

    /// <summary>BTRFS_IOC_QGROUP_CREATE with create 0: destroys qgroup 0/<paramref name="subvolumeId"/>.</summary>
    public static void QgroupDestroy(SafeFileHandle mountpoint, ulong subvolumeId)
    {
        var args = new QgroupCreateArgs { Create = 0, QgroupId = subvolumeId };
        // SAFETY: args is a local of the kernel's 16-byte layout.
        Ioctl.Call(mountpoint, s_qgroupCreate, &args, $"BTRFS_IOC_QGROUP_CREATE destroy 0/{subvolumeId}");
    }
}
