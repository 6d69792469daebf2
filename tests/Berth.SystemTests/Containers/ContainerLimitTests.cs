using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;

namespace Berth.SystemTests.Containers;

public sealed class ContainerLimitTests
{
    [Fact]
    public async Task MemoryHogIsOomKilledWhileInitSurvives()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { MaxPhysicalMemory = 64, MaxSwap = 64 });
        var cgroup = new InstanceCgroup(h.Driver.CgroupsPath(uuid));
        Assert.Equal(64L << 20, cgroup.MemoryLimitBytes);

        // dd allocates its whole 200 MiB block before writing it: far past the 64 MiB cap.
        ExecResult hog = await h.ExecAsync(uuid, "dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1");

        Assert.Equal(137, hog.ExitCode);
        Assert.True(cgroup.OomKills is null or > 0, $"the cgroup recorded an OOM kill ({cgroup.OomKills})");
        Assert.Equal("running", (await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))?.Status);
        Assert.Equal(0, (await h.ExecAsync(uuid, "true")).ExitCode);
        Assert.True(Directory.Exists($"/proc/{(await h.Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))!.Pid}"), "init is alive");
    }

    [Fact]
    public async Task MaxLwpsStopsAForkBomb()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { MaxLwps = 20 });
        var cgroup = new InstanceCgroup(h.Driver.CgroupsPath(uuid));
        Assert.Equal(20, cgroup.PidsMax);

        // The sleeps let go of exec's stdout so that exec returns while they still hold their pids.
        ExecResult bomb = await h.ExecAsync(uuid, "sh", "-c", "for i in $(seq 50); do sleep 30 </dev/null >/dev/null 2>&1 & done; echo spawned");

        string procs = File.ReadAllText(Path.Combine(cgroup.ControllerDir("pids")!, "cgroup.procs"));
        int count = procs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.InRange(count, 10, 20);
        Assert.Contains("fork", bomb.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CpuCapHoldsABusyLoopNearItsCap()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { CpuCap = 20 });
        var cgroup = new InstanceCgroup(h.Driver.CgroupsPath(uuid));
        Assert.Equal(20_000, cgroup.CpuQuotaMicros);

        long before = cgroup.CpuUsageNanos ?? throw new InvalidOperationException("no cpu usage");
        var clock = Stopwatch.StartNew();
        await h.ExecAsync(uuid, "timeout", "3", "sh", "-c", "while :; do :; done");
        double wall = clock.Elapsed.TotalSeconds;
        double used = ((cgroup.CpuUsageNanos ?? 0) - before) / 1e9;

        double share = used / wall;
        TestContext.Current.TestOutputHelper?.WriteLine($"cpu_cap 20: {used:F2} s CPU in {wall:F2} s = {share:P0} of one CPU");
        Assert.InRange(share, 0.05, 0.40);
    }

    [Fact]
    public async Task InstanceSeesItsOwnLimitsReadOnly()
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        string uuid = await h.RunAsync(new Manifest { MaxPhysicalMemory = 96, MaxLwps = 77 });
        bool v2 = CgroupHost.Detect() == CgroupMode.V2;
        string memoryFile = v2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
        string pidsFile = v2 ? "/sys/fs/cgroup/pids.max" : "/sys/fs/cgroup/pids/pids.max";

        Assert.Equal((96L << 20).ToString(), (await h.ExecAsync(uuid, "cat", memoryFile)).Stdout.Trim());
        Assert.Equal("77", (await h.ExecAsync(uuid, "cat", pidsFile)).Stdout.Trim());
        ExecResult write = await h.ExecAsync(uuid, "sh", "-c", $"echo 1073741824 > {memoryFile}");
        Assert.NotEqual(0, write.ExitCode);
        Assert.Equal(96L << 20, new InstanceCgroup(h.Driver.CgroupsPath(uuid)).MemoryLimitBytes);
    }
}
