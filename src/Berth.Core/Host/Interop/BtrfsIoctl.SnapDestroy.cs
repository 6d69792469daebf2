using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private static readonly nuint s_snapDestroyV2 = Ioctl.Encode(1, Magic, 63, sizeof(VolArgsV2));

    /// <summary>BTRFS_IOC_SNAP_DESTROY_V2: deletes the subvolume <paramref name="name"/> in <paramref name="parent"/>; the cleaner frees its extents later.</summary>
    public static void SubvolumeDestroy(SafeFileHandle parent, string name)
    {
        VolArgsV2 args = NewVolArgs(name);
        // SAFETY: args is a local of the kernel's 4096-byte layout; the kernel reads only within it.
        Ioctl.Call(parent, s_snapDestroyV2, &args, $"BTRFS_IOC_SNAP_DESTROY_V2 \"{name}\"");
    }
}
