using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private static readonly nuint s_snapCreateV2 = Ioctl.Encode(1, Magic, 23, sizeof(VolArgsV2));

    /// <summary>BTRFS_IOC_SNAP_CREATE_V2: a writable snapshot of the subvolume <paramref name="source"/> named <paramref name="name"/> in <paramref name="parent"/>.</summary>
    public static void SnapshotCreate(SafeFileHandle source, SafeFileHandle parent, string name)
    {
        WithRawFd(source, fd =>
        {
            VolArgsV2 args = NewVolArgs(name, fd);
            // SAFETY: args is a local of the kernel's 4096-byte layout; source stays open (AddRef) during the call.
            Ioctl.Call(parent, s_snapCreateV2, &args, $"BTRFS_IOC_SNAP_CREATE_V2 \"{name}\"");
        });
    }
}
