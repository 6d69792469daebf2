using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>umount2(2) with MNT_DETACH: the mount leaves the host's tree; mount namespaces holding a copy keep theirs.</summary>
internal static partial class Umount
{
    private const int MNT_DETACH = 2;
    private const int EINVAL = 22;
    private const int ENOENT = 2;

    /// <summary>Detaches the mount at <paramref name="target"/>; false when nothing was mounted there.</summary>
    public static bool Detach(string target)
    {
        if (umount2(target, MNT_DETACH) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno is EINVAL or ENOENT ? false : throw new ErrnoException($"umount2 \"{target}\"", errno);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);
}
