using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>chown(2): gives a file (a metadata socket) to the host ids an instance's root maps to.</summary>
internal static partial class Chown
{
    public static void Set(string path, int uid, int gid)
    {
        int rc = chown(path, uid, gid);
        ErrnoException.ThrowIfFailed(rc, $"chown \"{path}\" to {uid}:{gid}");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chown(string path, int owner, int group);
}
