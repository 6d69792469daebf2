using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>open_tree(2) with OPEN_TREE_CLONE: a detached copy of a mount, the only kind an idmap can be set on.</summary>
internal static partial class OpenTree
{
    private const long SYS_open_tree = 428;
    private const int AT_FDCWD = -100;
    private const uint OPEN_TREE_CLONE = 1;
    private const uint OPEN_TREE_CLOEXEC = 0x80000;

    public static SafeFdHandle Clone(string path)
    {
        long fd = syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
        {
            throw new ErrnoException($"open_tree \"{path}\"", Marshal.GetLastPInvokeError());
        }

        return new SafeFdHandle((int)fd);
    }

    // libc has no wrapper for open_tree in Debian 12's glibc 2.36.
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall(long number, int dirfd, string path, uint flags);
}
