using Berth.Api.Contracts;
using Berth.Cli;
using Berth.Core.Host.Cgroups;
using Berth.Core.Stats;

namespace Berth.Tests.Stats;

public sealed class StatsParsingTests
{
    [Fact]
    public void NetDevGivesEachInterfacesCountersAndTheInstanceSeesThemSwapped()
    {
        const string text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:   67142     601    0    0    0     0          0         0    67142     601    0    0    0     0       0          0
            vb1a2b3c4d0:  1000  10    0    0    0     0          0         0    5000      50    0    0    0     0       0          0
            """;
        IReadOnlyDictionary<string, NetCounters> all = NetStats.Parse(text);
        Assert.Equal(new NetCounters(1000, 10, 5000, 50), all["vb1a2b3c4d0"]);
        Assert.Equal(new NetCounters(5000, 50, 1000, 10), all["vb1a2b3c4d0"].Swapped());
        Assert.Equal(2, all.Count);
    }

    [Fact]
    public void ProcStatGivesAPrstatRow()
    {
        const string stat = "4242 (busy loop) R 4200 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 5 3 0 12345 4472832 150 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        const string status = "Name:\tsh\nUid:\t1000\t1000\t1000\t1000\nNSpid:\t4242\t7\n";
        ProcessSnapshot p = ProcessList.Parse(4242, stat, status, "sh\0-c\0while :; do :; done\0");

        Assert.Equal(300, p.CpuTicks);
        Assert.Equal((7, 4200, 1000, "R", 3, 5), (p.Process.InstancePid, p.Process.Ppid, p.Process.Uid, p.Process.State, p.Process.Threads, p.Process.Nice));
        Assert.Equal(4472832, p.Process.SizeBytes);
        Assert.Equal(150L * Environment.SystemPageSize, p.Process.RssBytes);
        Assert.Equal("sh -c while :; do :; done", p.Process.Command);

        InstanceProcess busy = ProcessList.WithCpuPercent([p], new Dictionary<int, long> { [4242] = 200 }, 2.0).Single();
        Assert.Equal(50.0, busy.CpuPercent); // 100 ticks = 1 s of CPU in 2 s
    }

    [Fact]
    public void RatesComeFromTwoSamples()
    {
        var m = new Manifest { Uuid = "0c7e5ad2-3f0b-4b9e-9f55-5d2b7c1e9a01", Alias = "web", State = "running", CpuCap = 50 };
        long second = System.Diagnostics.Stopwatch.Frequency;
        var before = new InstanceSample(m, 0, DateTimeOffset.UnixEpoch, new CgroupSample { CpuNanos = 1_000_000_000, DiskWriteBytes = 0 }, new NetCounters(0, 0, 0, 0));
        var after = new InstanceSample(m, 2 * second, DateTimeOffset.UnixEpoch, new CgroupSample { CpuNanos = 2_000_000_000, DiskWriteBytes = 4 << 20, Pids = 3 }, new NetCounters(2000, 2, 1000, 1));

        InstanceStats s = after.ToStats(before);

        Assert.Equal(50.0, s.CpuPercent);
        Assert.Equal(2.0, s.CpuSeconds);
        Assert.Equal(2 << 20, s.DiskWriteBytesPerSecond);
        Assert.Equal((1000.0, 500.0), (s.NetRxBytesPerSecond!.Value, s.NetTxBytesPerSecond!.Value));
        Assert.Null(after.ToStats(null).CpuPercent);
        string[] row = StatView.StatRows([s]).Single();
        Assert.Equal(["web", "running", "50.0/50", "0/-", "-/-", "3/-", "0", "2M", "1000", "500"], row);
    }

    [Fact]
    public void TopPrintsPrstatsTime() => Assert.Equal("1:01:05", StatView.Time(3665.4));
}
