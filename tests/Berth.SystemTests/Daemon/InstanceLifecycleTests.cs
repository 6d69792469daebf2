using Berth.Api.Contracts;
using Berth.Client;

namespace Berth.SystemTests.Daemon;

/// <summary>lx instances end to end through berthd's API: real crun, conmon, btrfs and bridges in a test namespace.</summary>
public sealed class InstanceLifecycleTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task FullLifecycleLeavesNothingBehind()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("life", 11, "\"hostname\": \"lifehost\", \"resolvers\": [\"10.77.0.1\"]"));
        string uuid = vm.Uuid!;
        Assert.Equal("running", vm.State);
        Assert.NotNull(vm.Pid);

        ExecResult hostname = await Berthd.Client.ExecAsync("life", new ExecRequest { Argv = ["hostname"] });
        Assert.Equal("lifehost", hostname.Stdout.Trim());
        ExecResult init = await Berthd.Client.ExecAsync(uuid[..8], new ExecRequest { Argv = ["cat", "/proc/1/cmdline"] });
        Assert.StartsWith("init", init.Stdout);
        Assert.True(await Berthd.Host.PingAsync("10.77.0.11"), "the container answers a ping from the host side");
        ExecResult resolv = await Berthd.Client.ExecAsync("life", new ExecRequest { Argv = ["cat", "/etc/resolv.conf"] });
        Assert.Contains("nameserver 10.77.0.1", resolv.Stdout);

        Manifest stopped = await Berthd.Client.StopVmAsync("life", new StopRequest { Timeout = 20 });
        Assert.Equal("stopped", stopped.State);
        Assert.Null(stopped.Pid);
        BerthApiException refused = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.StopVmAsync("life"));
        Assert.Equal(409, refused.Status);
        Assert.Contains("stopped", refused.Problem.Detail);

        Assert.Equal("running", (await Berthd.Client.StartVmAsync("life")).State);
        Assert.True(await Poll.UntilAsync(() => Berthd.Host.PingAsync("10.77.0.11")), "pingable again after start");
        Assert.Equal("running", (await Berthd.Client.RebootVmAsync("life")).State);

        await Berthd.Client.DeleteVmAsync("life");
        BerthApiException gone = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetVmAsync(uuid));
        Assert.Equal(404, gone.Status);
        Assert.Empty(await Leftovers.OfAsync(Berthd, uuid));
    }

    [Fact]
    public async Task TwoContainersPingEachOtherAndTheGateway()
    {
        RootOnly.Require();
        Manifest a = await Berthd.CreateAsync(Berthd.Manifest("ping-a", 21));
        Manifest b = await Berthd.CreateAsync(Berthd.Manifest("ping-b", 22));
        try
        {
            Assert.Equal(0, (await Exec(a, "ping", "-c", "1", "-W", "2", "10.77.0.22")).ExitCode);
            Assert.Equal(0, (await Exec(b, "ping", "-c", "1", "-W", "2", "10.77.0.21")).ExitCode);
            Assert.Equal(0, (await Exec(a, "ping", "-c", "1", "-W", "2", Berthd.Gateway)).ExitCode);
            Assert.True(await Berthd.Host.PingAsync("10.77.0.21"));
            ExecResult mac = await Exec(a, "cat", "/sys/class/net/eth0/address");
            Assert.Equal(a.Nics![0].Mac, mac.Stdout.Trim());
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(a.Uuid!);
            await Berthd.Client.DeleteVmAsync(b.Uuid!);
        }
    }

    [Fact]
    public async Task MemoryHogIsOomKilledWhileTheInstanceKeepsRunning()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("hog", 31, "\"max_physical_memory\": 64, \"max_swap\": 64").Replace("\"max_physical_memory\": 128,", ""));
        try
        {
            ExecResult limit = await Exec(vm, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes");
            Assert.Equal((64L << 20).ToString(), limit.Stdout.Trim());
            ExecResult hog = await Exec(vm, "sh", "-c", "head -c 200m /dev/zero | tail > /dev/null");
            Assert.NotEqual(0, hog.ExitCode);
            Assert.Equal("running", (await Berthd.Client.GetVmAsync(vm.Uuid!)).State);
            Assert.Equal(0, (await Exec(vm, "true")).ExitCode);
            ExecResult write = await Exec(vm, "sh", "-c", "echo 1 > /sys/fs/cgroup/memory/memory.limit_in_bytes");
            Assert.NotEqual(0, write.ExitCode);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task ForkBombStopsAtMaxLwps()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("bomb", 32, "\"max_lwps\": 20"));
        try
        {
            ExecResult bomb = await Exec(vm, "sh", "-c", "for i in $(seq 1 50); do sleep 30 >/dev/null 2>&1 & done");
            Assert.Contains("fork", bomb.Stderr);
            string pids = Path.Combine("/sys/fs/cgroup/pids", Berthd.Host.CgroupParent, vm.Uuid!, "pids.current");
            Assert.InRange(long.Parse(await File.ReadAllTextAsync(pids)), 1, 20);
            Assert.Equal("running", (await Berthd.Client.GetVmAsync(vm.Uuid!)).State);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task CpuCapHoldsABusyLoopNearItsCap()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("busy", 33, "\"cpu_cap\": 20"));
        try
        {
            string usage = "/sys/fs/cgroup/cpuacct/cpuacct.usage";
            long before = long.Parse((await Exec(vm, "cat", usage)).Stdout.Trim());
            await Exec(vm, "timeout", "3", "sh", "-c", "while :; do :; done");
            long after = long.Parse((await Exec(vm, "cat", usage)).Stdout.Trim());
            double percent = (after - before) / 3e9 * 100;
            Assert.InRange(percent, 5, 40);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task WritingPastQuotaFailsWithEdquot()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("full", 34));
        try
        {
            ExecResult dd = await Exec(vm, "dd", "if=/dev/zero", "of=/big", "bs=1M", "count=1200");
            Assert.NotEqual(0, dd.ExitCode);
            Assert.Contains("Disk quota exceeded", dd.Stderr);
            await Berth.Core.Host.CommandRunner.Default.RunAsync("sync", []); // btrfs counts usage at commit
            Manifest full = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.InRange(full.QuotaUsedBytes ?? 0, 512L << 20, 1L << 30);
            Assert.InRange(full.QuotaAvailableBytes ?? -1, 0, 512L << 20);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task InitEndingByItselfIsSeenAsStopped()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("ends", 35));
        try
        {
            await Exec(vm, "kill", "-USR2", "1");
            Manifest after = await Berthd.WaitForStateAsync(vm.Uuid!, "stopped");
            Assert.Equal("stopped", after.State);
            Assert.DoesNotContain(await Leftovers.OfAsync(Berthd, vm.Uuid!), l => l.StartsWith("veth", StringComparison.Ordinal));
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task BadManifestIsRefusedNamingTheProperty()
    {
        RootOnly.Require();
        BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() =>
            Berthd.CreateAsync(Berthd.Manifest("bad", 36).Replace("10.77.0.36", "10.77.0")));
        Assert.Equal(400, e.Status);
        Assert.Contains(e.Errors, x => x.Property == "nics[0].ip");
        Assert.DoesNotContain(await Berthd.Client.ListVmsAsync(), m => m.Alias == "bad");
    }

    [Fact]
    public async Task AnAddressInUseIsRefused()
    {
        RootOnly.Require();
        Manifest first = await Berthd.CreateAsync(Berthd.Manifest("addr-a", 39, "\"autoboot\": false"));
        try
        {
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.CreateAsync(Berthd.Manifest("addr-b", 39)));
            Assert.Equal(409, e.Status); // IPAM: the address is held, a conflict
            Assert.Contains(e.Errors, x => x.Property == "nics[0].ip" && x.Message.Contains("addr-a", StringComparison.Ordinal));
            Assert.Equal("stopped", first.State);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(first.Uuid!);
        }
    }

    [Fact]
    public async Task UpdateChangesTheMemoryCapLive()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("grow", 37));
        try
        {
            UpdateResult result = await Berthd.Client.UpdateVmAsync("grow", BerthClient.Utf8("""{"max_physical_memory": 192, "tags": {"tier": "gold"}}"""));
            Assert.Equal(192, result.Manifest.MaxPhysicalMemory);
            Assert.Empty(result.RestartRequired);
            ExecResult limit = await Exec(vm, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes");
            Assert.Equal((192L << 20).ToString(), limit.Stdout.Trim());
            Assert.Contains(await Berthd.Client.ListVmsAsync(new Dictionary<string, string> { ["tags.tier"] = "gold" }), m => m.Uuid == vm.Uuid);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task ConsoleWebSocketReachesTheShellOnTheConsole()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("tty", 38));
        try
        {
            using System.Net.WebSockets.WebSocket console = await Berthd.Client.ConnectConsoleAsync("tty");
            await console.SendAsync("echo hello-$((6*7))\n"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Binary, true, default);
            var seen = new System.Text.StringBuilder();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            byte[] buffer = new byte[4096];
            while (!seen.ToString().Contains("hello-42", StringComparison.Ordinal))
            {
                System.Net.WebSockets.WebSocketReceiveResult r = await console.ReceiveAsync(buffer, deadline.Token);
                seen.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, r.Count));
            }

            Assert.Contains("hello-42", seen.ToString());
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    private Task<ExecResult> Exec(Manifest vm, params string[] argv) =>
        Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = [.. argv] });
}
