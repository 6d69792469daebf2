using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class Sockets
{
    /// <summary>sendto(2) of one whole datagram to the kernel's netlink port (pid 0).</summary>
    public static void SendToKernel(SafeFdHandle socket, ReadOnlySpan<byte> datagram)
    {
        var address = new SockaddrNl { Family = AF_NETLINK };
        while (true)
        {
            nint sent;
            // SAFETY: data points into the pinned span for its exact length; address is a local of sockaddr_nl's 12-byte layout.
            fixed (byte* data = datagram)
            {
                sent = sendto(socket, data, (nuint)datagram.Length, 0, &address, (uint)sizeof(SockaddrNl));
            }

            if (sent >= 0)
            {
                return;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw new ErrnoException("sendto netlink", errno);
            }
        }
    }

    /// <summary>struct sockaddr_nl.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendto(SafeFdHandle fd, byte* buffer, nuint length, int flags, SockaddrNl* address, uint addressLength);
}
