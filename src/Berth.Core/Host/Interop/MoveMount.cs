using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>move_mount(2): attaches a detached mount (from open_tree) at a path.</summary>
internal static partial class MoveMount
{
    private const long SYS_move_mount = 429;
    private const int AT_FDCWD = -100;
    private const uint MOVE_MOUNT_F_EMPTY_PATH = 0x4;

    public static void Attach(SafeFdHandle detachedMount, string target)
    {
        long rc = syscall(SYS_move_mount, detachedMount, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
        if (rc < 0)
        {
            throw new ErrnoException($"move_mount to \"{target}\"", Marshal.GetLastPInvokeError());
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial long syscall(long number, SafeFdHandle fromFd, string fromPath, int toDirFd, string toPath, uint flags);
}
