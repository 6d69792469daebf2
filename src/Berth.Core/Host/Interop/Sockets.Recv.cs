using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

internal static unsafe partial class Sockets
{
    /// <summary>recv(2) of one datagram into <paramref name="buffer"/>; refuses one that did not fit rather than parse half of it.</summary>
    public static int Receive(SafeFdHandle socket, Span<byte> buffer)
    {
        while (true)
        {
            nint received;
            // SAFETY: data points into the pinned span and the kernel writes at most buffer.Length bytes.
            fixed (byte* data = buffer)
            {
                received = recv(socket, data, (nuint)buffer.Length, MSG_TRUNC);
            }

            if (received > buffer.Length)
            {
                throw new IOException($"recv netlink: a {received}-byte message did not fit a {buffer.Length}-byte buffer");
            }

            if (received >= 0)
            {
                return (int)received;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw new ErrnoException("recv netlink", errno);
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(SafeFdHandle fd, byte* buffer, nuint length, int flags);
}
