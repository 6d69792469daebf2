using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Networking;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Vms;

/// <summary>kvm instances end to end through berthd: a real QEMU (TCG where KVM does not work), taps, cgroups, QMP.</summary>
[Collection(RunAlone.Name)]
public sealed class VmLifecycleTests
{
    // Booting a kernel under TCG takes 2-10 s on a quiet 2-core machine, but over 40 s while the soak and kill tests
    // load it (seen in CI); the state changes themselves are polled for 5 s.
    private static readonly TimeSpan s_boot = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task VmBootsStopsWithAcpiSurvivesARestartAndLeavesNothing()
    {
        RootOnly.Require();
        using TinyGuest guest = await TinyGuest.BuildAsync();
        await using Berthd berthd = await Berthd.StartAsync();
        Manifest vm = await berthd.CreateAsync(guest.Manifest("tiny", """
            , "cpu_cap": 150, "disks": [{"size": 64}],
            "nics": [{"nic_tag": "admin", "ip": "10.77.0.61", "netmask": "255.255.255.0", "gateway": "10.77.0.1"}]
            """));
        string uuid = vm.Uuid!;
        Assert.Equal("running", vm.State);
        Assert.NotNull(vm.Pid);
        Assert.Contains(vm.Accel, new[] { "kvm", "tcg" });
        Assert.Equal(vm.Accel == "tcg", vm.AccelWarning is not null);
        string log = Path.Combine(berthd.Host.RunDir, "vm", uuid, "console.log");
        Assert.True(await Poll.UntilAsync(() => Task.FromResult(ConsoleHas(log, TinyGuest.Marker)), s_boot), $"no marker on the console: {Console(log)}");

        // vm console reaches the serial console: the guest echoes a line back.
        using (System.Net.WebSockets.WebSocket console = await berthd.Client.ConnectConsoleAsync(uuid))
        {
            await console.SendAsync("hello-vm\n"u8.ToArray(), System.Net.WebSockets.WebSocketMessageType.Binary, true, default);
            Assert.True(await ReadsAsync(console, "guest-heard:hello-vm"), "the guest's answer on the console");
        }

        // QEMU runs in the VM's own cgroup, capped at ram plus the overhead, with cpu_cap applied.
        var cgroup = new InstanceCgroup($"/{berthd.Host.CgroupParent}/{uuid}");
        Assert.Equal((96L + 160) << 20, cgroup.MemoryLimitBytes);
        Assert.Equal(150_000, cgroup.CpuQuotaMicros);
        Assert.Contains(vm.Pid!.Value.ToString(), File.ReadAllText(Path.Combine(cgroup.ControllerDir("memory")!, "cgroup.procs")));
        string disk = Path.Combine(berthd.Host.StateDir, "pools", "default", "instances", uuid, "disk0.raw");
        Assert.Equal(disk, vm.Disks![0].Path);
        Assert.Equal(64L << 20, new FileInfo(disk).Length);
        string links = (await berthd.Host.InNetnsAsync("ip", "-o", "link", "show", "master", "berth0")).Stdout
            + (await berthd.Host.InNetnsAsync("ip", "-o", "link")).Stdout;
        Assert.Contains(NicPlumber.HostInterfaceName(uuid, 0), links);

        // berthd killed and started again: the VM keeps running and the new daemon manages it.
        await berthd.KillAsync();
        await berthd.StartProcessAsync();
        Manifest after = await berthd.Client.GetVmAsync(uuid);
        Assert.Equal("running", after.State);
        Assert.Equal(vm.Pid, after.Pid);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Manifest stopped = await berthd.Client.StopVmAsync(uuid, new StopRequest { Timeout = 60 });
        Assert.Equal("stopped", stopped.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the ACPI stop took {clock.Elapsed}: the guest was killed, not powered off");
        Assert.True(ConsoleHas(log, "BERTH-GUEST-POWEROFF"), $"the guest did not power off through ACPI: {Console(log)}");
        Assert.True(Gone(vm.Pid!.Value), "QEMU is gone");

        await berthd.Client.DeleteVmAsync(uuid);
        Assert.Empty(await Leftovers.OfAsync(berthd, uuid));
    }

    [Fact]
    public async Task ForcedStopKillsAndAQemuKilledFromOutsideIsSeenStopped()
    {
        RootOnly.Require();
        using TinyGuest guest = await TinyGuest.BuildAsync();
        await using Berthd berthd = await Berthd.StartAsync();
        Manifest vm = await berthd.CreateAsync(guest.Manifest("victim"));
        string uuid = vm.Uuid!;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Manifest stopped = await berthd.Client.StopVmAsync(uuid, new StopRequest { Force = true });
        Assert.Equal("stopped", stopped.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"-F took {clock.Elapsed}");
        Assert.True(Gone(vm.Pid!.Value), "QEMU is gone");

        Manifest started = await berthd.Client.StartVmAsync(uuid);
        Assert.Equal("running", started.State);
        await Sh.RunCheckedAsync("kill", "-9", started.Pid!.Value.ToString());
        Assert.Equal("stopped", (await berthd.WaitForStateAsync(uuid, "stopped")).State);

        Manifest again = await berthd.Client.StartVmAsync(uuid);
        await berthd.Client.DeleteVmAsync(uuid); // running: stopped first, as vmadm does
        Assert.True(Gone(again.Pid!.Value), "QEMU is gone");
        Assert.Empty(await Leftovers.OfAsync(berthd, uuid, nics: 0));
    }

    [Fact]
    public async Task MissingKernelAndUnsupportedDiskImagesAreRefusedClearly()
    {
        RootOnly.Require();
        using TinyGuest guest = await TinyGuest.BuildAsync();
        await using Berthd berthd = await Berthd.StartAsync();

        var e = await Assert.ThrowsAsync<Berth.Client.BerthApiException>(() => berthd.CreateAsync(
            guest.Manifest("nokernel").Replace(guest.Kernel, "/boot/no-such-kernel")));
        Assert.Equal(400, e.Status);
        Assert.Contains("does not exist", e.Problem.Detail);
        e = await Assert.ThrowsAsync<Berth.Client.BerthApiException>(() => berthd.CreateAsync(
            guest.Manifest("imagedisk", ", \"disks\": [{\"image_uuid\": \"3e2b1d5c-5f0e-4c1a-9d8e-000000000001\"}]")));
        Assert.Contains("zvol", e.Problem.Detail);
        Assert.Empty(await berthd.Client.ListVmsAsync());
    }

    // QEMU is daemonized, so the host's pid 1 reaps it, maybe late: a zombie has ended too.
    private static bool Gone(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 1)..].TrimStart() is ['Z' or 'X', ..];
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task<bool> ReadsAsync(System.Net.WebSockets.WebSocket console, string text)
    {
        var seen = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[4096];
        try
        {
            while (!seen.ToString().Contains(text, StringComparison.Ordinal))
            {
                var result = await console.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    return false;
                }

                seen.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static bool ConsoleHas(string log, string text) => File.Exists(log) && File.ReadAllText(log).Contains(text, StringComparison.Ordinal);

    private static string Console(string log) => File.Exists(log) ? File.ReadAllText(log) : "(no console log)";
}
