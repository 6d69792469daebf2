using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>open(2) read-only, close-on-exec: for namespace files (/proc/PID/ns/net), which File.OpenHandle would try to lock.</summary>
internal static partial class OpenReadOnly
{
    private const int O_RDONLY = 0;
    private const int O_CLOEXEC = 0x80000;

    public static SafeFdHandle Open(string path)
    {
        int fd = open(path, O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new ErrnoException($"open \"{path}\"", Marshal.GetLastPInvokeError());
        }

        return new SafeFdHandle(fd);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);
}
