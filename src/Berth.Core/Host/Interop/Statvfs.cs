using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>statvfs(3): size and free space of the filesystem holding a path.</summary>
internal static unsafe partial class Statvfs
{
    /// <summary>struct statvfs of glibc on 64-bit Linux (112 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Result
    {
        public ulong BlockSize;
        public ulong FragmentSize;
        public ulong Blocks;
        public ulong BlocksFree;
        public ulong BlocksAvailable;
        public ulong Files;
        public ulong FilesFree;
        public ulong FilesAvailable;
        public ulong FsId;
        public ulong Flags;
        public ulong NameMax;
        public fixed int Spare[6];
    }

    public static Result Get(string path)
    {
        Result result;
        // SAFETY: result is a local of the exact struct statvfs layout; the call writes only into it.
        int rc = statvfs(path, &result);
        ErrnoException.ThrowIfFailed(rc, $"statvfs \"{path}\"");
        return result;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statvfs(string path, Result* buf);
}
