using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Containers;

public sealed class ContainerLifecycleTests
{
    [Fact]
    public async Task CreatedContainerRunsBusyboxInitAsPidOne()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        (string uuid, int pid) = await h.CreateAsync(new Manifest { Hostname = "bb-test", Resolvers = ["192.0.2.53", "192.0.2.54"] });
        Assert.True(pid > 1);
        Assert.Equal("created", (await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))?.Status);
        Assert.True(File.Exists($"/proc/{pid}/ns/net"), "init's netns exists before start, for the nics");

        await h.Driver.StartAsync(uuid, TestContext.Current.CancellationToken);
        await ContainerHarness.WaitForAsync(async () => (await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))?.Status == "running", "running");

        // busybox init renames itself "init"; its executable is the image's busybox.
        Assert.Equal("init", (await h.ExecAsync(uuid, "cat", "/proc/1/cmdline")).Stdout.TrimEnd('\0'));
        Assert.Equal("/bin/busybox", (await h.ExecAsync(uuid, "readlink", "/proc/1/exe")).Stdout.Trim());
        Assert.Equal("bb-test", (await h.ExecAsync(uuid, "hostname")).Stdout.Trim());
        string resolv = (await h.ExecAsync(uuid, "cat", "/etc/resolv.conf")).Stdout;
        Assert.Contains("nameserver 192.0.2.53", resolv);
        Assert.Contains("nameserver 192.0.2.54", resolv);
        Assert.NotEqual(0, (await h.ExecAsync(uuid, "sh", "-c", "echo x > /etc/resolv.conf")).ExitCode);
        Assert.Contains(uuid, await h.Driver.ListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ExecPassesExitCodeStdoutAndStdin()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest());

        Assert.Equal(7, (await h.ExecAsync(uuid, "sh", "-c", "exit 7")).ExitCode);
        ExecResult echo = await h.ExecAsync(uuid, "sh", "-c", "echo out; echo err >&2");
        Assert.Equal((0, "out\n", "err\n"), (echo.ExitCode, echo.Stdout, echo.Stderr));
        ExecResult cat = await h.Driver.ExecAsync(uuid, ["cat"], "from stdin", TestContext.Current.CancellationToken);
        Assert.Equal("from stdin", cat.Stdout);
    }

    [Fact]
    public async Task Sigusr2EndsBusyboxInit()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest());
        Assert.Null(h.Driver.ReadExitStatus(uuid));

        await h.Driver.KillAsync(uuid, ContainerHarness.BusyboxImage.BerthStopSignal!, TestContext.Current.CancellationToken);

        // busybox init waits 1 s after SIGTERM and 1 s after SIGKILL before its (refused) reboot ends it.
        await ContainerHarness.WaitForAsync(async () => (await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))?.Status == "stopped", "init stopped");
        await ContainerHarness.WaitForAsync(() => Task.FromResult(h.Driver.ReadExitStatus(uuid) is not null), "the exit file is written");
        Assert.Equal(0, h.Driver.ReadExitStatus(uuid));
        await ContainerHarness.WaitForAsync(() => Task.FromResult(!h.Driver.MonitorAlive(uuid)), "the monitor exits");
    }

    [Fact]
    public async Task DeleteLeavesNothingBehind()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { MaxPhysicalMemory = 64, MaxLwps = 100, CpuCap = 50 });
        var cgroup = new Berth.Core.Host.Cgroups.InstanceCgroup(h.Driver.CgroupsPath(uuid));
        Assert.NotEmpty(cgroup.ExistingDirectories);
        int monitor = h.Driver.MonitorPid(uuid) ?? throw new InvalidOperationException("no monitor pid");

        await h.Driver.DeleteAsync(uuid, TestContext.Current.CancellationToken);

        Assert.Empty(cgroup.ExistingDirectories);
        Assert.False(Directory.Exists(h.Driver.BundleDir(uuid)), "bundle removed");
        Assert.False(Directory.Exists(h.Driver.MonitorDir(uuid)), "monitor files removed");
        Assert.False(Directory.Exists(Path.Combine(h.Driver.Paths.CrunRoot, uuid)), "crun state removed");
        Assert.False(File.Exists(h.Driver.AttachSocketPath(uuid)), "attach socket removed");
        await ContainerHarness.WaitForAsync(() => Task.FromResult(!Running(monitor)), "the monitor exited");
        Assert.Null(await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken));
        Assert.DoesNotContain(uuid, await h.Driver.ListAsync(TestContext.Current.CancellationToken));
        await h.Driver.DeleteAsync(uuid, TestContext.Current.CancellationToken); // idempotent
    }

    [Fact]
    public async Task MonitorIsReparentedAwayFromItsCreator()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest());
        int monitor = h.Driver.MonitorPid(uuid) ?? throw new InvalidOperationException("no monitor pid");

        // conmon double-forks and calls setsid: its parent is init (or a subreaper), never the creating process,
        // and it leads its own session, so killing berthd or its process group does not reach it.
        string[] stat = File.ReadAllText($"/proc/{monitor}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int ppid = int.Parse(stat[1]);
        int sid = int.Parse(stat[3]);
        Assert.NotEqual(Environment.ProcessId, ppid);
        Assert.Equal(monitor, sid);
        Assert.True(File.Exists(h.Driver.AttachSocketPath(uuid)), $"attach socket at {h.Driver.AttachSocketPath(uuid)}");
    }

    [Fact]
    public async Task CreateAndStartMedian()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        var times = new List<double>();
        var deletes = new List<double>();
        for (int i = 0; i < 9; i++)
        {
            ContainerSpec spec = await h.SpecAsync(new Manifest { MaxPhysicalMemory = 64, CpuCap = 50 });
            var clock = Stopwatch.StartNew();
            await h.Driver.CreateAsync(spec, TestContext.Current.CancellationToken);
            await h.Driver.StartAsync(spec.Manifest.Uuid!, TestContext.Current.CancellationToken);
            times.Add(clock.Elapsed.TotalMilliseconds);
            var del = Stopwatch.StartNew();
            await h.Driver.DeleteAsync(spec.Manifest.Uuid!, TestContext.Current.CancellationToken);
            deletes.Add(del.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        deletes.Sort();
        TestContext.Current.TestOutputHelper?.WriteLine($"delete: median {deletes[deletes.Count / 2]:F1} ms");
        TestContext.Current.TestOutputHelper?.WriteLine($"conmon create + crun start: median {times[times.Count / 2]:F1} ms (n={times.Count}, min {times[0]:F1}, max {times[^1]:F1})");
        Assert.True(times[times.Count / 2] < 2000, "create+start takes under 2 s");
    }

    // A zombie waiting for pid 1 to reap it has stopped running.
    private static bool Running(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat.Split(')')[1].TrimStart()[0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
