using System.Net.Sockets;
using Berth.Core.Events;
using Microsoft.AspNetCore.Connections.Features;

namespace Berth.Daemon;

/// <summary>Names who made each API request (the requestor of its events): the peer's uid on the unix socket, its address on TCP.</summary>
internal static class RequestorMiddleware
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        using (Requestor.Use(Describe(context)))
        {
            await next(context);
        }
    }

    private static string Describe(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is { } address)
        {
            return $"tcp:{address}";
        }

        Socket? socket = context.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is { AddressFamily: AddressFamily.Unix })
        {
            // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
            Span<byte> ucred = stackalloc byte[12];
            try
            {
                if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) == 12)
                {
                    return $"uid:{BitConverter.ToUInt32(ucred[4..8])}";
                }
            }
            catch (SocketException)
            {
                // Fall through: the peer is unknown, not the request invalid.
            }
        }

        return "api";
    }
}
