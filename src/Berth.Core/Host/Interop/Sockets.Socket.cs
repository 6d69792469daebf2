using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

internal static partial class Sockets
{
    /// <summary>socket(2) with close-on-exec; the socket belongs to the calling thread's network namespace for good.</summary>
    public static SafeFdHandle Open(int domain, int type, int protocol)
    {
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new ErrnoException("socket", Marshal.GetLastPInvokeError());
        }

        return new SafeFdHandle(fd);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);
}
