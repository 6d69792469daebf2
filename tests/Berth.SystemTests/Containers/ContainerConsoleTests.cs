using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Berth.Api.Contracts;

namespace Berth.SystemTests.Containers;

public sealed class ContainerConsoleTests
{
    [Fact]
    public async Task AttachSocketReachesTheConsoleShell()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { Hostname = "console-test" });
        CancellationToken ct = TestContext.Current.CancellationToken;

        // conmon's attach protocol: SOCK_SEQPACKET; what we send goes to the pty, each packet read is [stream byte][data].
        using var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(h.Driver.AttachSocketPath(uuid)), ct);
        await socket.SendAsync(Encoding.ASCII.GetBytes("echo marker-$((6*7))\n"), SocketFlags.None, ct);

        var seen = new StringBuilder();
        var buffer = new byte[8193];
        var clock = Stopwatch.StartNew();
        while (!seen.ToString().Contains("marker-42", StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed.TotalSeconds < 5, $"console output within 5 s; saw: {seen}");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"the attach socket closed; saw: {seen}");
            seen.Append(Encoding.UTF8.GetString(buffer, 1, n - 1));
        }
    }
}
