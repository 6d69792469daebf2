using System.Net.Sockets;
using System.Net.WebSockets;
using Berth.Core;
using Berth.Core.Instances;

namespace Berth.Daemon.Endpoints;

/// <summary>GET /v1/vms/{id}/console: a WebSocket joined to the console the instance's monitor holds.</summary>
/// <remarks>
/// A container's monitor attach socket is SOCK_SEQPACKET and each packet it sends starts with one byte naming the stream;
/// a VM's serial console is QEMU's plain stream socket.
/// </remarks>
internal static class ConsoleEndpoint
{
    public static async Task HandleAsync(string id, HttpContext context, InstanceService instances, CancellationToken ct)
    {
        ConsoleSocket console = await instances.ConsoleSocketAsync(id, ct);
        string path = console.Path;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw new BerthException(ErrorKind.InvalidArgument, "the console is a WebSocket: connect with an Upgrade request");
        }

        using var attach = new Socket(AddressFamily.Unix, console.Framed ? SocketType.Seqpacket : SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await attach.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
        }
        catch (SocketException e)
        {
            throw new BerthException(ErrorKind.Unavailable, $"Failed attaching to the console of {id} at \"{path}\": {e.Message}", e);
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task fromConsole = PumpFromConsoleAsync(attach, socket, console.Framed ? 1 : 0, done.Token);
        Task toConsole = PumpToConsoleAsync(socket, attach, done.Token);
        await Task.WhenAny(fromConsole, toConsole);
        await done.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "console closed", CancellationToken.None);
        }
    }

    private static async Task PumpFromConsoleAsync(Socket attach, WebSocket socket, int skip, CancellationToken ct)
    {
        byte[] buffer = new byte[8193];
        try
        {
            while (true)
            {
                int n = await attach.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    return;
                }

                if (n > skip)
                {
                    await socket.SendAsync(buffer.AsMemory(skip, n - skip), WebSocketMessageType.Binary, true, ct);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or WebSocketException)
        {
            // The instance stopped or the client went away: either ends the session.
        }
    }

    private static async Task PumpToConsoleAsync(WebSocket socket, Socket attach, CancellationToken ct)
    {
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                await attach.SendAsync(buffer.AsMemory(0, result.Count), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or WebSocketException)
        {
        }
    }
}
