using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>mount_setattr(2) with MOUNT_ATTR_IDMAP: files of the mount show through the user namespace's mapping.</summary>
internal static partial class MountSetattr
{
    private const long SYS_mount_setattr = 442;
    private const uint AT_EMPTY_PATH = 0x1000;
    private const ulong MOUNT_ATTR_IDMAP = 0x00100000;

    [StructLayout(LayoutKind.Sequential)]
    private struct MountAttr
    {
        public ulong AttrSet;
        public ulong AttrClr;
        public ulong Propagation;
        public ulong UsernsFd;
    }

    public static void Idmap(SafeFdHandle detachedMount, SafeFdHandle userns, string what)
    {
        var attr = new MountAttr { AttrSet = MOUNT_ATTR_IDMAP, UsernsFd = (ulong)userns.Fd };
        long rc;
        unsafe
        {
            // SAFETY: attr lives on this stack frame for the whole call and its size is passed with it.
            rc = syscall(SYS_mount_setattr, detachedMount, "", AT_EMPTY_PATH, &attr, (nuint)sizeof(MountAttr));
        }

        if (rc < 0)
        {
            throw new ErrnoException($"mount_setattr(MOUNT_ATTR_IDMAP) of {what}", Marshal.GetLastPInvokeError());
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial long syscall(long number, SafeFdHandle fd, string path, uint flags, MountAttr* attr, nuint size);
}
