using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Host.Cgroups;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Containers;

public sealed class ContainerCreateFailureTests
{
    [Theory]
    [InlineData("/sbin/no-such-init")]
    [InlineData(null)]
    public async Task FailedCreateLeavesNothingBehind(string? init)
    {
        await using ContainerHarness h = await ContainerHarness.StartAsync();
        ContainerSpec spec = await h.SpecAsync(new Manifest { MaxPhysicalMemory = 64, Resolvers = ["192.0.2.1"] });
        // Either the image's init is missing, or the whole root filesystem is.
        spec = init is null
            ? spec with { RootfsPath = spec.RootfsPath + "-missing" }
            : spec with { Image = ContainerHarness.BusyboxImage with { BerthInit = init } };
        string uuid = spec.Manifest.Uuid!;

        var e = await Assert.ThrowsAsync<BerthException>(() => h.Driver.CreateAsync(spec, TestContext.Current.CancellationToken));

        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
        Assert.Contains(uuid, e.Message);
        Assert.Contains(init is null ? "No such file" : "no-such-init", e.Message); // crun's own reason
        Assert.False(Directory.Exists(h.Driver.BundleDir(uuid)), "no bundle");
        Assert.False(Directory.Exists(h.Driver.MonitorDir(uuid)), "no monitor files");
        Assert.False(Directory.Exists(Path.Combine(h.Driver.Paths.CrunRoot, uuid)), "no crun state");
        Assert.Empty(new InstanceCgroup(h.Driver.CgroupsPath(uuid)).ExistingDirectories);
        Assert.DoesNotContain(uuid, await h.Driver.ListAsync(TestContext.Current.CancellationToken));
    }
}
