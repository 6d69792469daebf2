using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Client;

namespace Berth.SystemTests.Daemon;

/// <summary>vm send / receive through berthd: round trips between two pools, and streams that must be refused.</summary>
public sealed class SendReceiveTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const string SecondPool = "second";

    private Berthd Berthd => fixture.Berthd;

    private async Task EnsurePoolAsync(string name, string driver)
    {
        if ((await Berthd.Client.ListPoolsAsync()).Any(p => p.Name == name))
        {
            return;
        }

        await Berthd.Client.CreatePoolAsync(driver == "btrfs"
            ? new PoolCreateRequest { Name = name, Driver = driver, File = Path.Combine(Berthd.Host.StateDir, $"pool-{name}.img"), Size = 1L << 30 }
            : new PoolCreateRequest { Name = name, Driver = driver });
    }

    private async Task WriteMarkerAsync(string id, string text)
    {
        ExecResult r = await Berthd.Client.ExecAsync(id, new ExecRequest { Argv = ["sh", "-c", $"echo {text} > /root/marker && sync"] });
        Assert.Equal(0, r.ExitCode);
    }

    private async Task<byte[]> SendAsync(string id)
    {
        using var buffer = new MemoryStream();
        await Berthd.Client.SendVmAsync(id, buffer);
        return buffer.ToArray();
    }

    private Task<Manifest> ReceiveAsync(byte[] stream, string? zpool = SecondPool, bool newUuid = false) =>
        Berthd.Client.ReceiveVmAsync(new MemoryStream(stream), zpool, newUuid);

    /// <summary>The manifest without what a receive may change: state, pid, exit status, times, pool (and uuid when asked).</summary>
    private static string Comparable(Manifest m, bool withUuid) => JsonSerializer.Serialize(
        m with { State = null, Pid = null, ExitStatus = null, LastModified = null, Zpool = null, Uuid = withUuid ? m.Uuid : null, QuotaUsedBytes = null, QuotaAvailableBytes = null },
        BerthJson.Default.Manifest);

    private string DatasetDir(string pool, string uuid) => Path.Combine(Berthd.Host.StateDir, "pools", pool, "instances", uuid);

    private async Task RoundTripAsync(string alias, int hostNumber, bool running, bool newUuid)
    {
        RootOnly.Require();
        await EnsurePoolAsync(SecondPool, "btrfs");
        Manifest original = await Berthd.CreateAsync(Berthd.Manifest(alias, hostNumber));
        string uuid = original.Uuid!;
        string? receivedUuid = null;
        try
        {
            await WriteMarkerAsync(uuid, $"marker-{alias}");
            if (!running)
            {
                await Berthd.Client.StopVmAsync(uuid, new StopRequest { Timeout = 20 });
            }

            Manifest sent = await Berthd.Client.GetVmAsync(uuid);
            Assert.Equal(running ? "running" : "stopped", sent.State);
            byte[] stream = await SendAsync(uuid);
            Assert.Equal(running ? "running" : "stopped", (await Berthd.Client.GetVmAsync(uuid)).State);
            if (running)
            {
                Assert.Equal(0, (await Berthd.Client.ExecAsync(uuid, new ExecRequest { Argv = ["true"] })).ExitCode); // thawed again
            }

            // The same host stands in for another one: the original goes, as after a move (its alias and IP are then free).
            BerthApiException taken = await Assert.ThrowsAsync<BerthApiException>(() => ReceiveAsync(stream));
            Assert.Equal(409, taken.Status);
            await Berthd.Client.DeleteVmAsync(uuid);

            Manifest received = await ReceiveAsync(stream, newUuid: newUuid);
            receivedUuid = received.Uuid;
            Assert.Equal("stopped", received.State);
            Assert.Equal(SecondPool, received.Zpool);
            if (newUuid)
            {
                Assert.NotEqual(uuid, received.Uuid);
            }
            else
            {
                Assert.Equal(uuid, received.Uuid);
            }

            Assert.Equal(Comparable(sent, withUuid: !newUuid), Comparable(received, withUuid: !newUuid));
            Assert.True(Directory.Exists(DatasetDir(SecondPool, received.Uuid!)), "the dataset is on the pool asked for");

            Assert.Equal("running", (await Berthd.Client.StartVmAsync(received.Uuid!)).State);
            ExecResult marker = await Berthd.Client.ExecAsync(received.Uuid!, new ExecRequest { Argv = ["cat", "/root/marker"] });
            Assert.Equal($"marker-{alias}", marker.Stdout.Trim());
            Assert.True(await Berthd.Host.PingAsync($"10.77.0.{hostNumber}"), "the received instance is on its network");
        }
        finally
        {
            foreach (string id in new[] { uuid, receivedUuid }.OfType<string>().Distinct())
            {
                try
                {
                    await Berthd.Client.DeleteVmAsync(id);
                }
                catch (BerthApiException e) when (e.Status == 404)
                {
                }
            }
        }
    }

    [Fact]
    public Task StoppedContainerRoundTripsToASecondPool() => RoundTripAsync("send-stopped", 61, running: false, newUuid: false);

    [Fact]
    public Task RunningContainerRoundTripsWithANewUuid() => RoundTripAsync("send-running", 62, running: true, newUuid: true);

    [Fact]
    public async Task TruncatedAndCorruptStreamsAreRefusedAndLeaveNothing()
    {
        RootOnly.Require();
        await EnsurePoolAsync(SecondPool, "btrfs");
        Manifest original = await Berthd.CreateAsync(Berthd.Manifest("send-bad", 63, "\"autoboot\": false"));
        string uuid = original.Uuid!;
        try
        {
            byte[] stream = await SendAsync(uuid);
            await Berthd.Client.DeleteVmAsync(uuid);

            byte[] corrupt = (byte[])stream.Clone();
            corrupt[corrupt.Length / 2] ^= 0x20;
            var cases = new (string What, byte[] Bytes, string Expected)[]
            {
                ("in the header", stream[..40], "truncated"),
                ("in the dataset", stream[..(stream.Length / 2)], "truncated"),
                ("without its trailer", stream[..^32], "truncated"),
                ("with a flipped byte", corrupt, "corrupt"),
            };
            foreach ((string what, byte[] bytes, string expected) in cases)
            {
                BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => ReceiveAsync(bytes));
                Assert.True(e.Status == 400, $"{what}: {e.Status} {e.Problem.Detail}");
                Assert.Contains(expected, e.Problem.Detail);
                Assert.DoesNotContain(await Berthd.Client.ListVmsAsync(), m => m.Uuid == uuid);
                Assert.False(Directory.Exists(DatasetDir(SecondPool, uuid)), $"{what}: no dataset stays");
                Assert.False(Directory.Exists(DatasetDir("default", uuid)), $"{what}: no dataset stays");
            }

            // The intact stream is received: the refusals above were about the defects.
            Assert.Equal(uuid, (await ReceiveAsync(stream)).Uuid);
        }
        finally
        {
            try
            {
                await Berthd.Client.DeleteVmAsync(uuid);
            }
            catch (BerthApiException e) when (e.Status == 404)
            {
            }
        }
    }

    [Fact]
    public async Task BtrfsStreamOntoADirPoolIsRefused()
    {
        RootOnly.Require();
        await EnsurePoolAsync("plain", "dir");
        Manifest original = await Berthd.CreateAsync(Berthd.Manifest("send-dir", 64, "\"autoboot\": false").Replace("\"quota\": 1,", "\"quota\": 0,"));
        try
        {
            byte[] stream = await SendAsync(original.Uuid!);
            await Berthd.Client.DeleteVmAsync(original.Uuid!);
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => ReceiveAsync(stream, zpool: "plain"));
            Assert.Equal(400, e.Status);
            Assert.Contains("btrfs datasets", e.Problem.Detail);
            Assert.Empty(await Berthd.Client.ListVmsAsync());
        }
        finally
        {
            try
            {
                await Berthd.Client.DeleteVmAsync(original.Uuid!);
            }
            catch (BerthApiException e) when (e.Status == 404)
            {
            }
        }
    }

    [Fact]
    public async Task IncrementalStreamUpdatesTheCopyOnAnotherHostWithoutItsImage()
    {
        RootOnly.Require();
        await using Berthd other = await Berthd.StartAsync();
        Manifest original = await Berthd.CreateAsync(Berthd.Manifest("send-incr", 65));
        string uuid = original.Uuid!;
        try
        {
            await WriteMarkerAsync(uuid, "first");
            byte[] full = await SendAsync(uuid);

            // The other host has no image of its own: the stream is self-contained.
            await other.Client.DeleteImageAsync(Berthd.BusyboxUuid);
            Manifest copy = await other.Client.ReceiveVmAsync(new MemoryStream(full));
            Assert.Equal((uuid, "stopped"), (copy.Uuid, copy.State));

            await WriteMarkerAsync(uuid, "second");
            using var fullReader = new Berth.Core.Instances.SendStreamReader(new MemoryStream(full));
            string baseSnapshot = (await fullReader.ReadHeaderAsync()).Snapshot;
            using var buffer = new MemoryStream();
            await Berthd.Client.SendVmAsync(uuid, buffer, from: baseSnapshot);
            byte[] incremental = buffer.ToArray();
            Assert.True(incremental.Length < full.Length / 2, $"the incremental stream ({incremental.Length} B) is smaller than the full one ({full.Length} B)");

            BerthApiException asCopy = await Assert.ThrowsAsync<BerthApiException>(() => other.Client.ReceiveVmAsync(new MemoryStream(incremental), newUuid: true));
            Assert.Equal(400, asCopy.Status);
            Manifest updated = await other.Client.ReceiveVmAsync(new MemoryStream(incremental));
            Assert.Equal("stopped", updated.State);

            Assert.Equal("running", (await other.Client.StartVmAsync(uuid)).State);
            ExecResult marker = await other.Client.ExecAsync(uuid, new ExecRequest { Argv = ["cat", "/root/marker"] });
            Assert.Equal("second", marker.Stdout.Trim());
            Assert.Equal("stopped", (await other.Client.StopVmAsync(uuid, new StopRequest { Timeout = 20 })).State);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(uuid);
        }
    }

    [Fact]
    public async Task CliSendsToAFileAndReceivesFromIt()
    {
        RootOnly.Require();
        await EnsurePoolAsync(SecondPool, "btrfs");
        Manifest original = await Berthd.CreateAsync(Berthd.Manifest("send-cli", 66, "\"autoboot\": false"));
        string file = Path.Combine(Berthd.Host.StateDir, "send-cli.stream");
        string berth = $"BERTH_SOCKET={Berthd.Host.Socket} dotnet {Berth.SystemTests.Cli.BerthCli.Dll}";
        string? received = null;
        try
        {
            Berth.Core.Host.CommandResult send = await Berth.Core.Host.CommandRunner.Default.RunAsync("sh", ["-c", $"{berth} vm send send-cli > {file}"]);
            Assert.True(send.Succeeded, send.Stderr);
            Assert.StartsWith("BERTH-SEND 1\n", await File.ReadAllTextAsync(file));
            await Berthd.Client.DeleteVmAsync(original.Uuid!);

            Berth.Core.Host.CommandResult receive = await Berth.Core.Host.CommandRunner.Default.RunAsync("sh", ["-c", $"{berth} vm receive --zpool {SecondPool} < {file}"]);
            Assert.True(receive.Succeeded, receive.Stderr);
            received = receive.Stdout.Trim();
            Assert.Equal(original.Uuid, received);
            Assert.Equal(SecondPool, (await Berthd.Client.GetVmAsync(received)).Zpool);

            Berth.Core.Host.CommandResult refused = await Berth.Core.Host.CommandRunner.Default.RunAsync("sh", ["-c", $"head -c 1000 {file} | {berth} vm receive --zpool {SecondPool} --new-uuid"]);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("truncated", refused.Stderr);
        }
        finally
        {
            File.Delete(file);
            await Berthd.Client.DeleteVmAsync(received ?? original.Uuid!);
        }
    }

    [Fact]
    public async Task SendRefusalsComeAsProblemsBeforeAnyByte()
    {
        RootOnly.Require();
        using var sink = new MemoryStream();
        BerthApiException missing = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.SendVmAsync("no-such-instance", sink));
        Assert.Equal(404, missing.Status);

        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("send-refused", 67, "\"autoboot\": false"));
        try
        {
            BerthApiException noBase = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.SendVmAsync(vm.Uuid!, sink, from: "never-taken"));
            Assert.Equal(400, noBase.Status);
            Assert.Contains("never-taken", noBase.Problem.Detail);
            Assert.Equal(0, sink.Length);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }
}
