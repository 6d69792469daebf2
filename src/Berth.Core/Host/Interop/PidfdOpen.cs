using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>pidfd_open(2): a descriptor that becomes readable when the process exits (Linux 5.3+).</summary>
internal static partial class PidfdOpen
{
    /// <summary>errno when the pid does not exist (any more).</summary>
    public const int Esrch = 3;

    /// <summary>Opens a pidfd for <paramref name="pid"/>; on failure the handle is invalid and errno is in <paramref name="errno"/>.</summary>
    public static SafeFdHandle Open(int pid, out int errno)
    {
        int fd = pidfd_open(pid, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return new SafeFdHandle(fd);
    }

    // glibc 2.36+ exports the wrapper (Debian 12 has 2.36); O_CLOEXEC is implied for pidfds.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int pidfd_open(int pid, uint flags);
}
