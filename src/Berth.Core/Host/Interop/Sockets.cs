namespace Berth.Core.Host.Interop;

/// <summary>The socket calls Berth makes itself (rtnetlink); one file per call.</summary>
internal static partial class Sockets
{
    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int NETLINK_ROUTE = 0;
    public const int MSG_TRUNC = 0x20;
    public const int EINTR = 4;
}
