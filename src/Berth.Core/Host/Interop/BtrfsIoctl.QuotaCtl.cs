using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class BtrfsIoctl
{
    public const ulong QuotaCtlEnable = 1;
    public const ulong QuotaCtlEnableSimpleQuota = 4;

    /// <summary>struct btrfs_ioctl_quota_ctl_args.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct QuotaCtlArgs
    {
        public ulong Cmd;
        public ulong Status;
    }

    private static readonly nuint s_quotaCtl = Ioctl.Encode(3, Magic, 40, sizeof(QuotaCtlArgs));

    /// <summary>BTRFS_IOC_QUOTA_CTL: enables classic qgroups (1) or simple quotas (4, kernel 6.7+) on the filesystem of <paramref name="mountpoint"/>.</summary>
    public static void QuotaCtl(SafeFileHandle mountpoint, ulong cmd)
    {
        var args = new QuotaCtlArgs { Cmd = cmd };
        // SAFETY: args is a local of the kernel's 16-byte layout.
        Ioctl.Call(mountpoint, s_quotaCtl, &args, $"BTRFS_IOC_QUOTA_CTL cmd {cmd}");
    }
}
