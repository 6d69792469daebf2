using System.Buffers.Binary;
using System.Text;

namespace Berth.Core.Networking.Netlink;

/// <summary>
/// A pure builder of one netlink request: nlmsghdr, a fixed family header (ifinfomsg, ifaddrmsg, rtmsg) and
/// rtattrs, nested ones included, every part padded to 4 bytes. Integers are host-endian, addresses network order.
/// </summary>
internal sealed class NetlinkMessage
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public NetlinkMessage(ushort type, ushort flags)
    {
        Type = type;
        Flags = flags;
        _length = Rtnl.NlmsghdrSize;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
    }

    public ushort Type { get; }

    public ushort Flags { get; }

    /// <summary>struct ifinfomsg: family, type, index, flags and the mask of flags to change.</summary>
    public NetlinkMessage IfInfo(int index = 0, uint flags = 0, uint change = 0)
    {
        Span<byte> h = Reserve(Rtnl.IfinfomsgSize);
        h[0] = Rtnl.AF_UNSPEC;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], change);
        return this;
    }

    /// <summary>struct ifaddrmsg.</summary>
    public NetlinkMessage IfAddr(byte family, byte prefixLength, byte scope, int index)
    {
        Span<byte> h = Reserve(Rtnl.IfaddrmsgSize);
        h[0] = family;
        h[1] = prefixLength;
        h[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(h[4..], index);
        return this;
    }

    /// <summary>struct rtmsg of a route without source prefix or tos.</summary>
    public NetlinkMessage Rt(byte family, byte destinationLength, byte table, byte protocol, byte scope, byte type)
    {
        Span<byte> h = Reserve(Rtnl.RtmsgSize);
        h[0] = family;
        h[1] = destinationLength;
        h[4] = table;
        h[5] = protocol;
        h[6] = scope;
        h[7] = type;
        return this;
    }

    public NetlinkMessage Attr(ushort type, ReadOnlySpan<byte> value)
    {
        Span<byte> a = Reserve(4 + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(a, (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], type);
        value.CopyTo(a[4..]);
        return this;
    }

    public NetlinkMessage AttrU32(ushort type, uint value)
    {
        Span<byte> v = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        return Attr(type, v);
    }

    /// <summary>A NUL-terminated string attribute, as the kernel's NLA_STRING policies and iproute2 write names.</summary>
    public NetlinkMessage AttrString(ushort type, string value)
    {
        byte[] bytes = new byte[Encoding.ASCII.GetByteCount(value) + 1];
        Encoding.ASCII.GetBytes(value, bytes);
        return Attr(type, bytes);
    }

    /// <summary>Opens a nested attribute; its length is set by <see cref="EndNest"/>.</summary>
    public int BeginNest(ushort type)
    {
        int start = _length;
        Span<byte> a = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(a[2..], type);
        return start;
    }

    public NetlinkMessage EndNest(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    /// <summary>The finished datagram with sequence number <paramref name="sequence"/>.</summary>
    public byte[] ToArray(uint sequence = 0)
    {
        byte[] bytes = _buffer.AsSpan(0, _length).ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)_length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        return bytes;
    }

    // Appends n bytes, zeroed and padded to 4, and returns them.
    private Span<byte> Reserve(int n)
    {
        int padded = (n + 3) & ~3;
        if (_length + padded > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + padded));
        }

        Span<byte> span = _buffer.AsSpan(_length, padded);
        span.Clear();
        _length += padded;
        return span[..n];
    }
}
