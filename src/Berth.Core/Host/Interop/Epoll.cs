using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>epoll_create1(2), epoll_ctl(2), epoll_wait(2), with struct epoll_event laid out per architecture.</summary>
internal static unsafe partial class Epoll
{
    public const uint EpollIn = 0x001;
    private const int EpollCtlAdd = 1;
    private const int EpollCloexec = 0x80000;
    private const int Eintr = 4;

    // struct epoll_event is packed on x86-64 (12 bytes, data at 4) and naturally aligned elsewhere (16 bytes, data at 8).
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_dataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static SafeFdHandle Create()
    {
        int fd = epoll_create1(EpollCloexec);
        if (fd < 0)
        {
            throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1 failed");
        }

        return new SafeFdHandle(fd);
    }

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/>, reporting <paramref name="data"/> with them.</summary>
    public static void Add(SafeFdHandle epoll, SafeFdHandle fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        // SAFETY: ev holds 16 bytes, at least EventSize; the offsets are within it.
        *(uint*)ev = events;
        *(ulong*)(ev + s_dataOffset) = data;
        bool epollRef = false, fdRef = false;
        epoll.DangerousAddRef(ref epollRef);
        fd.DangerousAddRef(ref fdRef);
        try
        {
            // SAFETY: ev is a valid epoll_event for this architecture and lives across the call.
            if (epoll_ctl(epoll.Fd, EpollCtlAdd, fd.Fd, ev) != 0)
            {
                throw new System.ComponentModel.Win32Exception(Marshal.GetLastPInvokeError(), "epoll_ctl(EPOLL_CTL_ADD) failed");
            }
        }
        finally
        {
            fd.DangerousRelease();
            epoll.DangerousRelease();
        }
    }

    /// <summary>Blocks until events arrive and writes their data words to <paramref name="data"/>; returns how many (0 after EINTR).</summary>
    public static int Wait(SafeFdHandle epoll, Span<ulong> data)
    {
        byte* events = stackalloc byte[16 * 64];
        int max = Math.Min(data.Length, 64);
        bool added = false;
        epoll.DangerousAddRef(ref added);
        try
        {
            // SAFETY: events holds 64 epoll_events of this architecture's size and max <= 64.
            int n = epoll_wait(epoll.Fd, events, max, -1);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == Eintr ? 0 : throw new System.ComponentModel.Win32Exception(errno, "epoll_wait failed");
            }

            for (int i = 0; i < n; i++)
            {
                // SAFETY: i < n <= max, so the event read lies inside the buffer the kernel filled.
                data[i] = *(ulong*)(events + (i * EventSize) + s_dataOffset);
            }

            return n;
        }
        finally
        {
            epoll.DangerousRelease();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);
}
