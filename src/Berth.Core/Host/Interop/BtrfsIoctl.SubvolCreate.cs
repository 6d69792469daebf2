using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private static readonly nuint s_subvolCreateV2 = Ioctl.Encode(1, Magic, 24, sizeof(VolArgsV2));

    /// <summary>BTRFS_IOC_SUBVOL_CREATE_V2: an empty subvolume <paramref name="name"/> in the directory <paramref name="parent"/>.</summary>
    public static void SubvolumeCreate(SafeFileHandle parent, string name)
    {
        VolArgsV2 args = NewVolArgs(name);
        // SAFETY: args is a local of the kernel's 4096-byte layout; the kernel reads and writes only within it.
        Ioctl.Call(parent, s_subvolCreateV2, &args, $"BTRFS_IOC_SUBVOL_CREATE_V2 \"{name}\"");
    }
}
