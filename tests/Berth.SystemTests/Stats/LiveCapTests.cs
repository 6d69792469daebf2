using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Host.Cgroups;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Stats;

/// <summary>Caps changed with <c>vm update</c> on a running instance hold at once, and survive a restart.</summary>
public sealed class LiveCapTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task CpuCapSetLiveHoldsABusyLoopNearItAndZeroLiftsIt()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("cap-cpu", 81));
        try
        {
            Assert.Empty((await Update("cap-cpu", """{"cpu_cap": 50}""")).RestartRequired);
            Assert.Equal(50_000, Cgroup(vm).CpuQuotaMicros);

            InstanceStats before = await Berthd.Client.GetStatsAsync("cap-cpu");
            (long idleBefore, long totalBefore) = HostCpuTicks();
            var clock = Stopwatch.StartNew();
            // Two loops: the instance wants two CPUs, the cap gives it half of one.
            await Exec(vm, "sh", "-c", "timeout 4 sh -c 'while :; do :; done' & timeout 4 sh -c 'while :; do :; done'; wait");
            double wall = clock.Elapsed.TotalSeconds;
            (long idleAfter, long totalAfter) = HostCpuTicks();
            InstanceStats after = await Berthd.Client.GetStatsAsync("cap-cpu");

            double share = (after.CpuSeconds!.Value - before.CpuSeconds!.Value) / wall;
            double idleCpus = (idleAfter - idleBefore) / (double)(totalAfter - totalBefore) * Environment.ProcessorCount;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"cpu_cap 50: {share:P0} of one CPU over {wall:F1} s; host idle {idleCpus:F2} CPUs; throttled {after.ThrottledSeconds - before.ThrottledSeconds:F2} s");
            Assert.InRange(share, 0.0, 0.60);
            // At least 40%, unless the host itself had no CPU to spare (the test hosts are shared): the cap must not hold it lower.
            Assert.True(share >= 0.40 || share + idleCpus < 0.40, $"{share:P0} of a CPU while {idleCpus:F2} CPUs sat idle");
            // A loop that reached the cap was throttled (on a busy host it may never get that far).
            Assert.True(after.ThrottledSeconds > before.ThrottledSeconds || share < 0.45, "the cap throttled the loops");

            Assert.Empty((await Update("cap-cpu", """{"cpu_cap": 0}""")).RestartRequired);
            Assert.Null(Cgroup(vm).CpuQuotaMicros);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task LoweringMaxPhysicalMemoryLiveOomKillsAHog()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("cap-mem", 82));
        try
        {
            // dd allocates its whole block first: 80 MiB fits under 128 MiB, not under 48 MiB.
            string[] hog = ["dd", "if=/dev/zero", "of=/dev/null", "bs=80M", "count=1"];
            Assert.Equal(0, (await Exec(vm, hog)).ExitCode);

            Assert.Empty((await Update("cap-mem", """{"max_physical_memory": 48, "max_swap": 48}""")).RestartRequired);
            Assert.Equal(48L << 20, Cgroup(vm).MemoryLimitBytes);
            Assert.Equal(137, (await Exec(vm, hog)).ExitCode);
            Assert.Equal("running", (await Berthd.Client.GetVmAsync("cap-mem")).State);
            Assert.Equal(48L << 20, (await Berthd.Client.GetStatsAsync("cap-mem")).MemoryLimitBytes);

            Assert.Empty((await Update("cap-mem", """{"max_physical_memory": 128, "max_swap": 256}""")).RestartRequired);
            Assert.Equal(0, (await Exec(vm, hog)).ExitCode);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task RaisingMaxLwpsLiveLetsMoreProcessesStart()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("cap-lwps", 83, "\"max_lwps\": 20"));
        try
        {
            // The sleeps let go of exec's stdout so that exec returns while they still hold their pids.
            const string spawn = "for i in $(seq 30); do sleep 60 </dev/null >/dev/null 2>&1 & done; echo spawned";
            await Exec(vm, "sh", "-c", spawn);
            Assert.InRange((await Berthd.Client.GetStatsAsync("cap-lwps")).Processes!.Value, 10, 20);
            await Exec(vm, "pkill", "sleep");

            Assert.Empty((await Update("cap-lwps", """{"max_lwps": 100}""")).RestartRequired);
            Assert.Equal(100, Cgroup(vm).PidsMax);
            ExecResult more = await Exec(vm, "sh", "-c", spawn);
            Assert.DoesNotContain("fork", more.Stderr, StringComparison.OrdinalIgnoreCase);
            Assert.InRange((await Berthd.Client.GetStatsAsync("cap-lwps")).Processes!.Value, 31, 100);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task EveryLiveCapAppliesInOneUpdatePersistsAndRestartOnlyOnesAreReported()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("cap-all", 84));
        try
        {
            UpdateResult live = await Update("cap-all",
                """{"cpu_cap": 75, "cpu_shares": 200, "max_physical_memory": 200, "max_swap": 400, "max_lwps": 150, "quota": 2}""");
            Assert.Empty(live.RestartRequired);
            AssertLimits(vm);

            UpdateResult restart = await Update("cap-all", """{"hostname": "renamed", "resolvers": ["10.77.0.1"]}""");
            Assert.Equal(["hostname", "resolvers"], restart.RestartRequired.Order());
            BerthApiException fixedOne = await Assert.ThrowsAsync<BerthApiException>(() => Update("cap-all", """{"brand": "lx", "zpool": "other"}"""));
            Assert.Equal(400, fixedOne.Status);
            Assert.Contains(fixedOne.Errors, e => e.Property == "zpool");

            await Berthd.Client.StopVmAsync("cap-all", new StopRequest { Force = true });
            Manifest started = await Berthd.Client.StartVmAsync("cap-all");
            Assert.Equal((75L, 200L, 200L, 400L, 150L, 2L),
                (started.CpuCap!.Value, started.CpuShares!.Value, started.MaxPhysicalMemory!.Value, started.MaxSwap!.Value, started.MaxLwps!.Value, started.Quota!.Value));
            AssertLimits(vm);
            Assert.Equal("renamed", (await Exec(vm, "hostname")).Stdout.Trim());
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    private void AssertLimits(Manifest vm)
    {
        InstanceCgroup cgroup = Cgroup(vm);
        Assert.Equal(75_000, cgroup.CpuQuotaMicros);
        Assert.Equal(200L << 20, cgroup.MemoryLimitBytes);
        Assert.Equal(150, cgroup.PidsMax);
        Assert.Equal("200", File.ReadAllText(Path.Combine(cgroup.ControllerDir("cpu")!, "cpu.shares")).Trim());
        Assert.Equal((400L << 20).ToString(), File.ReadAllText(Path.Combine(cgroup.ControllerDir("memory")!, "memory.memsw.limit_in_bytes")).Trim());
    }

    private InstanceCgroup Cgroup(Manifest vm) => new($"/{Berthd.Host.CgroupParent}/{vm.Uuid}");

    private Task<UpdateResult> Update(string id, string patch) => Berthd.Client.UpdateVmAsync(id, BerthClient.Utf8(patch));

    private Task<ExecResult> Exec(Manifest vm, params string[] argv) =>
        Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = [.. argv] });

    // /proc/stat's first line: cpu user nice system idle iowait irq softirq steal ...
    private static (long Idle, long Total) HostCpuTicks()
    {
        long[] f = [.. File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse)];
        return (f[3] + f[4], f.Sum());
    }
}
