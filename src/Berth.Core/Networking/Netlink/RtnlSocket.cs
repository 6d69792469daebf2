using System.Buffers.Binary;
using Berth.Core.Host.Interop;

namespace Berth.Core.Networking.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket, bound for good to the network namespace it was opened in. One request at a time:
/// the kernel handles rtnetlink requests inside sendto, so the answer is queued by the time recv runs.
/// </summary>
internal sealed class RtnlSocket : IDisposable
{
    private readonly SafeFdHandle _fd;
    private readonly byte[] _buffer = new byte[32 * 1024];
    private uint _sequence;

    private RtnlSocket(SafeFdHandle fd) => _fd = fd;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static RtnlSocket Open() =>
        new(Sockets.Open(Sockets.AF_NETLINK, Sockets.SOCK_RAW, Sockets.NETLINK_ROUTE));

    /// <summary>Sends a request that asked for an ACK and waits for it; a negative answer throws naming <paramref name="operation"/>.</summary>
    public void Execute(NetlinkMessage request, string operation)
    {
        if ((request.Flags & Rtnl.NLM_F_ACK) == 0)
        {
            throw new ArgumentException("the request does not ask for an ACK", nameof(request));
        }

        _ = Exchange(request, operation);
    }

    /// <summary>The ifindex of link <paramref name="name"/> in this socket's namespace.</summary>
    public int LinkIndex(string name, string operation)
    {
        ReadOnlySpan<byte> reply = Exchange(RtnlRequests.GetLink(name), operation);
        if (reply.Length < Rtnl.IfinfomsgSize)
        {
            throw new IOException($"{operation}: a {reply.Length}-byte answer has no ifinfomsg");
        }

        return BinaryPrimitives.ReadInt32LittleEndian(reply[4..]);
    }

    public void Dispose() => _fd.Dispose();

    // Sends the request and reads until its ACK or error; returns the payload of a data answer (for a GET), else empty.
    private ReadOnlySpan<byte> Exchange(NetlinkMessage request, string operation)
    {
        uint sequence = ++_sequence;
        try
        {
            Sockets.SendToKernel(_fd, request.ToArray(sequence));
        }
        catch (ErrnoException e)
        {
            throw new NetlinkException(operation, e.Errno);
        }

        bool wantsAck = (request.Flags & Rtnl.NLM_F_ACK) != 0;
        while (true)
        {
            int length;
            try
            {
                length = Sockets.Receive(_fd, _buffer);
            }
            catch (ErrnoException e)
            {
                throw new NetlinkException(operation, e.Errno);
            }

            for (int at = 0; at + Rtnl.NlmsghdrSize <= length;)
            {
                ReadOnlySpan<byte> header = _buffer.AsSpan(at, Rtnl.NlmsghdrSize);
                int messageLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
                uint messageSequence = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
                if (messageLength < Rtnl.NlmsghdrSize || at + messageLength > length)
                {
                    throw new IOException($"{operation}: a malformed netlink answer ({messageLength} bytes at {at} of {length})");
                }

                ReadOnlySpan<byte> payload = _buffer.AsSpan(at + Rtnl.NlmsghdrSize, messageLength - Rtnl.NlmsghdrSize);
                at += (messageLength + 3) & ~3;
                if (messageSequence != sequence)
                {
                    // An answer to an earlier request that gave up before reading it.
                    continue;
                }

                if (type == Rtnl.NLMSG_ERROR)
                {
                    int error = payload.Length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : 0;
                    if (error < 0)
                    {
                        throw new NetlinkException(operation, -error);
                    }

                    return [];
                }

                if (!wantsAck && type != Rtnl.NLMSG_DONE)
                {
                    return payload;
                }
            }
        }
    }
}
