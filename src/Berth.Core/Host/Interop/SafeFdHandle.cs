using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>A file descriptor (pidfd, epoll, eventfd) closed exactly once, also when its owner forgets.</summary>
internal sealed partial class SafeFdHandle : SafeHandle
{
    public SafeFdHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => close((int)handle.ToInt64()) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
