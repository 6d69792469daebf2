using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    /// <summary>struct btrfs_ioctl_fs_info_args (1024 bytes); only the fsid is read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct FsInfoArgs
    {
        public ulong MaxId;
        public ulong NumDevices;
        public fixed byte FsId[16];
        public fixed byte Rest[1024 - 32];
    }

    private static readonly nuint s_fsInfo = Ioctl.Encode(2, Magic, 31, sizeof(FsInfoArgs));

    /// <summary>BTRFS_IOC_FS_INFO: the filesystem UUID, as /sys/fs/btrfs names its directory.</summary>
    public static Guid FsId(SafeFileHandle mountpoint)
    {
        var args = new FsInfoArgs();
        // SAFETY: args is a local of the kernel's 1024-byte layout; the kernel writes only within it.
        Ioctl.Call(mountpoint, s_fsInfo, &args, "BTRFS_IOC_FS_INFO");
        return new Guid(new ReadOnlySpan<byte>(args.FsId, 16), bigEndian: true);
    }
}
