using System.Runtime.InteropServices;
using System.Text;

namespace Berth.Core.Host.Interop;

/// <summary>open + one write(2): files such as /proc/PID/uid_map take their whole content in a single write, unlocked and untruncated.</summary>
internal static partial class WriteOnce
{
    private const int O_WRONLY = 1;
    private const int O_CLOEXEC = 0x80000;

    public static void Write(string path, string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        int fd = open(path, O_WRONLY | O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new ErrnoException($"open \"{path}\"", Marshal.GetLastPInvokeError());
        }

        using var handle = new SafeFdHandle(fd);
        nint written = write(handle, bytes, bytes.Length);
        if (written != bytes.Length)
        {
            throw new ErrnoException($"write \"{path}\" ({text.Trim()})", written < 0 ? Marshal.GetLastPInvokeError() : ErrnoException.EINVAL);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(SafeFdHandle fd, byte[] buffer, nint count);
}
