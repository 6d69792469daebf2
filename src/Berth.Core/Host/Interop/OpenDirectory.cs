using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

/// <summary>open(2) of a directory: File.OpenHandle refuses directories, and btrfs ioctls act on directory fds.</summary>
internal static partial class OpenDirectory
{
    private const int O_RDONLY = 0;
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;

    public static SafeFileHandle Open(string path)
    {
        SafeFileHandle handle = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (handle.IsInvalid)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new ErrnoException($"open \"{path}\"", errno);
        }

        return handle;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial SafeFileHandle open(string path, int flags, uint mode);
}
