using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Host.Interop;

/// <summary>ioctl(2) with a pointer argument.</summary>
internal static unsafe partial class Ioctl
{
    /// <summary>Linux _IOC encoding: direction (1 write, 2 read, 3 both), argument size, type and number.</summary>
    public static nuint Encode(uint direction, uint type, uint number, int size) =>
        (nuint)((direction << 30) | ((uint)size << 16) | (type << 8) | number);

    /// <summary>Calls the ioctl and throws <see cref="ErrnoException"/> naming <paramref name="what"/> when it fails.</summary>
    public static void Call(SafeFileHandle fd, nuint request, void* arg, string what)
    {
        int rc = ioctl(fd, request, arg);
        ErrnoException.ThrowIfFailed(rc, what);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(SafeFileHandle fd, nuint request, void* arg);
}
