using System.Globalization;
using Berth.Api.Contracts;
using Berth.SystemTests.Cli;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Stats;

/// <summary><c>berth stat</c> and <c>berth top</c> against load the test generates inside a real instance.</summary>
public sealed class StatsTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    private BerthCli Cli => new(Berthd.Host.Socket);

    [Fact]
    public async Task StatJsonAgreesWithTheCpuDiskAndNetworkTheInstanceUsed()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("stat-load", 61));
        try
        {
            InstanceStats start = await StatAsync("stat-load");
            Assert.Equal("running", start.State);
            Assert.NotNull(start.CpuPercent); // the first call waited for a second sample

            // CPU: a 3 s busy loop, timed inside by busybox time (user + sys of the loop), in a window of its own.
            ExecResult busy = await Exec(vm, "time", "-p", "timeout", "3", "sh", "-c", "while :; do :; done");
            double loopCpu = TimeField(busy.Stderr, "user") + TimeField(busy.Stderr, "sys");
            InstanceStats before = await StatAsync("stat-load");
            double cpu = before.CpuSeconds!.Value - start.CpuSeconds!.Value;
            // Disk: 32 MiB with O_DIRECT (on cgroup v1 only direct I/O is charged to the writer).
            Assert.Equal(0, (await Exec(vm, "dd", "if=/dev/zero", "of=/root/dd.out", "bs=1M", "count=32", "oflag=direct")).ExitCode);
            // Network: 100 pings of 1000 bytes from the host side: 1042 bytes a frame each way.
            Assert.True((await Berthd.Host.InNetnsAsync("ping", "-q", "-c", "100", "-i", "0.01", "-s", "1000", "10.77.0.61")).Succeeded);

            InstanceStats after = await StatAsync("stat-load");
            long written = after.DiskWriteBytes!.Value - before.DiskWriteBytes!.Value;
            long rx = after.NetRxBytes!.Value - before.NetRxBytes!.Value;
            long tx = after.NetTxBytes!.Value - before.NetTxBytes!.Value;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"cpu {cpu:F3} s (loop {loopCpu:F2} s), written {written} B, rx {rx} B, tx {tx} B, memory {after.MemoryBytes} B, processes {after.Processes}");

            Within(loopCpu, cpu, "CPU seconds");
            Within(32 << 20, written, "bytes written");
            Within(100 * 1042, rx, "bytes received");
            Within(100 * 1042, tx, "bytes sent");
            Assert.Equal(128L << 20, after.MemoryLimitBytes);
            Assert.InRange(after.MemoryBytes!.Value, 1, 128L << 20);
            Assert.InRange(after.Processes!.Value, 1, 10);

            CliResult table = (await Cli.RunAsync("stat", "stat-load")).Ok();
            Assert.StartsWith("INSTANCE", table.Lines[0]);
            Assert.StartsWith("stat-load", table.Lines[1]);
            Assert.Contains("/128M", table.Lines[1]);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task StatOfAStoppedInstanceHasItsStateAndNoCounters()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("stat-off", 62, "\"autoboot\": false"));
        try
        {
            InstanceStats stats = await Berthd.Client.GetStatsAsync("stat-off");
            Assert.Equal(("stopped", (double?)null, (long?)null), (stats.State, stats.CpuSeconds, stats.MemoryBytes));
            Assert.Contains(await Berthd.Client.ListStatsAsync(), s => s.Uuid == vm.Uuid);
            Assert.Equal(409, (await Assert.ThrowsAsync<Berth.Client.BerthApiException>(() => Berthd.Client.ListProcessesAsync("stat-off"))).Status);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task TopShowsTheInstancesProcessesWithTheirPidsInside()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("stat-top", 63));
        try
        {
            await Exec(vm, "sh", "-c", "timeout 20 sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 &");
            List<InstanceProcess> processes = (await Cli.RunAsync("top", "stat-top", "-j", "-i", "0.5")).Json(BerthJson.Default.ListInstanceProcess);

            Assert.Contains(processes, p => p.InstancePid == 1 && p.Pid == vm.Pid && p.Command!.StartsWith("init", StringComparison.Ordinal));
            InstanceProcess loop = processes[0]; // busiest first
            Assert.Contains("while", loop.Command);
            Assert.InRange(loop.CpuPercent!.Value, 5, 105); // a whole CPU when the host is idle; the test hosts are shared
            Assert.NotEqual(loop.Pid, loop.InstancePid);

            CliResult table = (await Cli.RunAsync("top", "stat-top")).Ok();
            Assert.StartsWith("PID", table.Lines[0]);
            Assert.Contains(table.Lines, l => l.StartsWith("1 ", StringComparison.Ordinal) && l.Contains("init", StringComparison.Ordinal));
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    private async Task<InstanceStats> StatAsync(string id) =>
        (await Cli.RunAsync("stat", id, "-j")).Json(BerthJson.Default.ListInstanceStats).Single();

    private static void Within(double expected, double actual, string what) =>
        Assert.True(Math.Abs(actual - expected) <= expected * 0.10, $"{what}: {actual} is not within 10% of {expected}");

    // busybox time -p: "real 2.00\nuser 1.98\nsys 0.01"
    private static double TimeField(string output, string field) =>
        double.Parse(output.Split('\n').Single(l => l.StartsWith(field + " ", StringComparison.Ordinal))[(field.Length + 1)..], CultureInfo.InvariantCulture);

    private Task<ExecResult> Exec(Manifest vm, params string[] argv) =>
        Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = [.. argv] });
}
