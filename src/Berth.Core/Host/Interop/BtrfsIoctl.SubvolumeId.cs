using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    private const ulong FirstFreeObjectId = 256;

    /// <summary>struct btrfs_ioctl_ino_lookup_args (4096 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct InoLookupArgs
    {
        public ulong TreeId;
        public ulong ObjectId;
        public fixed byte Name[4080];
    }

    private static readonly nuint s_inoLookup = Ioctl.Encode(3, Magic, 18, sizeof(InoLookupArgs));

    /// <summary>BTRFS_IOC_INO_LOOKUP with tree 0: the id of the subvolume holding the open directory.</summary>
    public static ulong SubvolumeId(SafeFileHandle directory)
    {
        var args = new InoLookupArgs { TreeId = 0, ObjectId = FirstFreeObjectId };
        // SAFETY: args is a local of the kernel's 4096-byte layout; the kernel writes only within it.
        Ioctl.Call(directory, s_inoLookup, &args, "BTRFS_IOC_INO_LOOKUP");
        return args.TreeId;
    }
}
