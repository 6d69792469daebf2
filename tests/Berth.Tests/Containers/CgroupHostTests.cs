using Berth.Core.Host.Cgroups;

namespace Berth.Tests.Containers;

public sealed class CgroupHostTests
{
    private const string Hybrid = """
        22 27 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    private const string V2 = """
        22 27 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
        31 22 0:28 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
        """;

    [Fact]
    public void DetectsHybrid()
    {
        IReadOnlyList<CgroupMount> mounts = CgroupHost.ParseMountinfo(Hybrid);
        Assert.Equal(CgroupMode.Hybrid, CgroupHost.Detect(mounts));
        Assert.Equal(["cpu", "cpuacct"], mounts.Single(m => m.MountPoint.EndsWith("cpu,cpuacct", StringComparison.Ordinal)).Controllers);
        Assert.Empty(mounts.Single(m => m.MountPoint.EndsWith("systemd", StringComparison.Ordinal)).Controllers);
    }

    [Fact]
    public void DetectsV2() => Assert.Equal(CgroupMode.V2, CgroupHost.Detect(CgroupHost.ParseMountinfo(V2)));

    [Fact]
    public void DetectsV1WithoutUnified()
    {
        string v1 = string.Join('\n', Hybrid.Split('\n').Where(l => !l.Contains("cgroup2", StringComparison.Ordinal)));
        Assert.Equal(CgroupMode.V1, CgroupHost.Detect(CgroupHost.ParseMountinfo(v1)));
    }

    [Fact]
    public void InstanceCgroupFindsControllerDirs()
    {
        var cgroup = new InstanceCgroup("/berth/x", CgroupHost.ParseMountinfo(Hybrid));
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct/berth/x", cgroup.ControllerDir("cpuacct"));
        Assert.Equal("/sys/fs/cgroup/memory/berth/x", cgroup.ControllerDir("memory"));
        Assert.Contains("/sys/fs/cgroup/unified/berth/x", cgroup.Directories);
        var v2 = new InstanceCgroup("/berth/x", CgroupHost.ParseMountinfo(V2));
        Assert.Equal("/sys/fs/cgroup/berth/x", v2.ControllerDir("memory"));
    }
}
