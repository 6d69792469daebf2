using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Instances.Containers;

namespace Berth.Tests.Stats;

/// <summary>
/// The v2 driver against a directory tree laid out like cgroupfs (the hosts here run hybrid v1, where the v2 tree holds
/// no controllers), and the v1 driver's write order; the v1 driver is also tested for real by the system tests.
/// </summary>
public sealed class CgroupDriverTests
{
    private static readonly Manifest s_manifest = new()
    {
        Uuid = "0c7e5ad2-3f0b-4b9e-9f55-5d2b7c1e9a01", MaxPhysicalMemory = 256, MaxSwap = 512, CpuCap = 150, CpuShares = 100, MaxLwps = 300,
    };

    [Fact]
    public void V2WritesTheManifestsLimits()
    {
        using var fs = new FakeCgroupfs();
        foreach (string file in new[] { "memory.max", "memory.swap.max", "cpu.weight", "cpu.max", "pids.max" })
        {
            fs.Write(null, file, "max\n");
        }

        new CgroupV2Driver(fs.Root).Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest));

        Assert.Equal((256L << 20).ToString(), fs.Read(null, "memory.max"));
        Assert.Equal((256L << 20).ToString(), fs.Read(null, "memory.swap.max")); // max_swap 512 = 256 memory + 256 swap
        Assert.Equal("150000 100000", fs.Read(null, "cpu.max"));
        Assert.Equal("4", fs.Read(null, "cpu.weight")); // crun's mapping of shares 100
        Assert.Equal("300", fs.Read(null, "pids.max"));
    }

    [Fact]
    public void V2LiftsCapsThatAreSetBackToZero()
    {
        using var fs = new FakeCgroupfs();
        fs.Write(null, "memory.swap.max", "0");
        var driver = new CgroupV2Driver(fs.Root);
        driver.Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest));

        driver.Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest with { CpuCap = 0, MaxLwps = 0 }));

        Assert.Equal("max 100000", fs.Read(null, "cpu.max"));
        Assert.Equal("max", fs.Read(null, "pids.max"));
    }

    [Fact]
    public void V2RefusesACgroupThatDoesNotExist()
    {
        using var fs = new FakeCgroupfs();
        Berth.Core.BerthException e = Assert.Throws<Berth.Core.BerthException>(() =>
            new CgroupV2Driver(fs.Root).Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest)));
        Assert.Contains("not running", e.Message);
    }

    [Fact]
    public void V2ReadsTheCounters()
    {
        using var fs = new FakeCgroupfs();
        fs.Write(null, "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 7\nthrottled_usec 350000\n");
        fs.Write(null, "memory.current", "104857600\n");
        fs.Write(null, "memory.max", "268435456\n");
        fs.Write(null, "memory.swap.current", "4096\n");
        fs.Write(null, "memory.swap.max", "268435456\n");
        fs.Write(null, "pids.current", "12\n");
        fs.Write(null, "pids.max", "max\n");
        fs.Write(null, "io.stat", "7:0 rbytes=1000 wbytes=2000 rios=1 wios=2 dbytes=0 dios=0\n254:0 rbytes=10 wbytes=20 rios=3 wios=4 dbytes=0 dios=0\n");
        fs.Write(null, "cgroup.procs", "4242\n4243\n");
        var driver = new CgroupV2Driver(fs.Root);

        CgroupSample s = driver.Sample(FakeCgroupfs.Path)!;

        Assert.Equal(2_500_000_000, s.CpuNanos);
        Assert.Equal(350_000_000, s.ThrottledNanos);
        Assert.Equal(7, s.ThrottledPeriods);
        Assert.Equal(100L << 20, s.MemoryBytes);
        Assert.Equal(256L << 20, s.MemoryLimitBytes);
        Assert.Equal(4096, s.SwapBytes);
        Assert.Equal(512L << 20, s.SwapLimitBytes);
        Assert.Equal(12, s.Pids);
        Assert.Null(s.PidsMax);
        Assert.Equal((1010, 2020, 4, 6), (s.DiskReadBytes, s.DiskWriteBytes, s.DiskReads, s.DiskWrites));
        Assert.Equal([4242, 4243], driver.Processes(FakeCgroupfs.Path));
        Assert.Null(driver.Sample("/berth/not-there"));
    }

    [Fact]
    public void V1WritesTheManifestsLimitsAndReadsTheCounters()
    {
        using var fs = new FakeCgroupfs();
        fs.Write("memory", "memory.limit_in_bytes", "9223372036854771712");
        fs.Write("memory", "memory.memsw.limit_in_bytes", "9223372036854771712");
        fs.Write("memory", "memory.usage_in_bytes", "1048576");
        fs.Write("memory", "memory.memsw.usage_in_bytes", "1052672");
        fs.Write("cpu", "cpu.stat", "nr_periods 10\nnr_throttled 3\nthrottled_time 120000000\n");
        fs.Write("cpuacct", "cpuacct.usage", "987654321");
        fs.Write("pids", "pids.current", "5");
        fs.Write("blkio", "blkio.throttle.io_service_bytes", "7:0 Read 4096\n7:0 Write 8192\n7:0 Sync 0\n7:0 Async 0\n7:0 Total 12288\nTotal 12288\n");
        fs.Write("blkio", "blkio.throttle.io_serviced", "7:0 Read 1\n7:0 Write 2\nTotal 3\n");
        var driver = new CgroupV1Driver([.. new[] { "memory", "cpu", "cpuacct", "pids", "blkio" }
            .Select(c => new CgroupMount(Path.Combine(fs.Root, c), false, [c]))]);

        driver.Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest));
        CgroupSample s = driver.Sample(FakeCgroupfs.Path)!;

        Assert.Equal((256L << 20).ToString(), fs.Read("memory", "memory.limit_in_bytes"));
        Assert.Equal((512L << 20).ToString(), fs.Read("memory", "memory.memsw.limit_in_bytes"));
        Assert.Equal(("100", "100000", "150000"), (fs.Read("cpu", "cpu.shares"), fs.Read("cpu", "cpu.cfs_period_us"), fs.Read("cpu", "cpu.cfs_quota_us")));
        Assert.Equal("300", fs.Read("pids", "pids.max"));
        Assert.Equal((987654321L, 120_000_000L, 3L), (s.CpuNanos, s.ThrottledNanos, s.ThrottledPeriods));
        Assert.Equal((1048576L, 4096L), (s.MemoryBytes, s.SwapBytes!.Value));
        Assert.Equal((4096L, 8192L, 1L, 2L), (s.DiskReadBytes, s.DiskWriteBytes, s.DiskReads, s.DiskWrites));
        Assert.Equal(5, s.Pids);
    }

    [Fact]
    public void V1LiftsCapsThatAreSetBackToZero()
    {
        using var fs = new FakeCgroupfs();
        fs.Write("memory", "memory.limit_in_bytes", "268435456");
        fs.Write("cpu", "cpu.cfs_quota_us", "50000");
        fs.Write("pids", "pids.max", "300");
        var driver = new CgroupV1Driver([.. new[] { "memory", "cpu", "pids" }.Select(c => new CgroupMount(Path.Combine(fs.Root, c), false, [c]))]);

        driver.Apply(FakeCgroupfs.Path, ResourceLimits.Of(s_manifest with { CpuCap = 0, MaxLwps = 0 }));

        Assert.Equal("-1", fs.Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("max", fs.Read("pids", "pids.max"));
    }

    [Fact]
    public void TheDriverFollowsWhatTheHostMounts()
    {
        Assert.IsType<CgroupV2Driver>(CgroupDrivers.For([new CgroupMount("/sys/fs/cgroup", true, [])]));
        Assert.IsType<CgroupV1Driver>(CgroupDrivers.For([new CgroupMount("/sys/fs/cgroup/memory", false, ["memory"]), new CgroupMount("/sys/fs/cgroup/unified", true, [])]));
        Assert.Throws<Berth.Core.BerthException>(() => CgroupDrivers.For([]));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1024, 39)]
    [InlineData(262_144, 10_000)]
    public void SharesMapToWeightAsCrunMapsThem(long shares, long weight) => Assert.Equal(weight, CgroupLimits.SharesToWeight(shares));

    [Fact]
    public void CreateAndLiveUpdateGiveTheSameLimits()
    {
        System.Text.Json.Nodes.JsonObject oci = OciSpecBuilder.Limits(s_manifest);
        CgroupLimits live = ResourceLimits.Of(s_manifest);
        Assert.Equal(live.MemoryBytes, (long)oci["memory"]!["limit"]!);
        Assert.Equal(live.MemorySwapBytes, (long)oci["memory"]!["swap"]!);
        Assert.Equal(live.CpuQuotaMicros, (long)oci["cpu"]!["quota"]!);
        Assert.Equal(live.CpuShares, (long)oci["cpu"]!["shares"]!);
        Assert.Equal(live.PidsMax, (long)oci["pids"]!["limit"]!);
    }
}
