using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private static readonly nuint s_snapCreateV2 = Ioctl.Encode(1, Magic, 23, sizeof(VolArgsV2));

    private const ulong SubvolReadOnly = 1 << 1; // BTRFS_SUBVOL_RDONLY

    /// <summary>BTRFS_IOC_SNAP_CREATE_V2: a snapshot of the subvolume <paramref name="source"/> named <paramref name="name"/> in <paramref name="parent"/>, writable unless <paramref name="readOnly"/>.</summary>
    public static void SnapshotCreate(SafeFileHandle source, SafeFileHandle parent, string name, bool readOnly = false)
    {
        WithRawFd(source, fd =>
        {
            VolArgsV2 args = NewVolArgs(name, fd);
            args.Flags = readOnly ? SubvolReadOnly : 0;
            // SAFETY: args is a local of the kernel's 4096-byte layout; source stays open (AddRef) during the call.
            Ioctl.Call(parent, s_snapCreateV2, &args, $"BTRFS_IOC_SNAP_CREATE_V2 \"{name}\"");
        });
    }
}
