using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

/// <summary>btrfs ioctls (linux/btrfs.h): about 10x cheaper than a btrfs CLI process per call.</summary>
internal static unsafe partial class BtrfsIoctl
{
    private const uint Magic = 0x94;
    private const int SubvolNameMax = 4039;

    /// <summary>struct btrfs_ioctl_vol_args_v2 (4096 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct VolArgsV2
    {
        public long Fd;
        public ulong TransId;
        public ulong Flags;
        public fixed ulong Unused[4];
        public fixed byte Name[SubvolNameMax + 1];
    }

    private static VolArgsV2 NewVolArgs(string name, long fd = 0)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        if (bytes.Length > SubvolNameMax || bytes.Length == 0 || name.Contains('/'))
        {
            throw new ArgumentException($"\"{name}\" is not a valid subvolume name", nameof(name));
        }

        var args = new VolArgsV2 { Fd = fd };
        bytes.CopyTo(new Span<byte>(args.Name, SubvolNameMax + 1));
        return args;
    }

    /// <summary>Runs <paramref name="action"/> with the raw descriptor of a handle kept alive meanwhile.</summary>
    private static void WithRawFd(SafeFileHandle handle, Action<long> action)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            action(handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
