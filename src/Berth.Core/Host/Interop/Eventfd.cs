using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>eventfd(2): a counter descriptor, used to wake a thread blocked in epoll_wait.</summary>
internal static partial class Eventfd
{
    private const int EfdCloexec = 0x80000;
    private const int EfdNonblock = 0x800;

    public static SafeFdHandle Create()
    {
        int fd = eventfd(0, EfdCloexec | EfdNonblock);
        if (fd < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "eventfd failed");
        }

        return new SafeFdHandle(fd);
    }

    /// <summary>Adds 1 to the counter, making the descriptor readable.</summary>
    public static void Signal(SafeFdHandle handle)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            if (eventfd_write(handle.Fd, 1) != 0)
            {
                throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "eventfd_write failed");
            }
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd_write(int fd, ulong value);
}
