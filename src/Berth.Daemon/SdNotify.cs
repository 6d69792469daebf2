using System.Net.Sockets;
using System.Text;

namespace Berth.Daemon;

/// <summary>Tells systemd the daemon is ready (Type=notify), when systemd asked through NOTIFY_SOCKET.</summary>
internal static class SdNotify
{
    public static void Ready()
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        // An abstract socket name starts with '@', which the kernel spells as a NUL byte.
        if (path[0] == '@')
        {
            path = "\0" + path[1..];
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(Encoding.ASCII.GetBytes("READY=1\nSTATUS=berthd is serving\n"));
    }
}
