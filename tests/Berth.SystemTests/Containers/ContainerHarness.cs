using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Host;
using Berth.Core.Host.Cgroups;
using Berth.Core.Images;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Containers;

/// <summary>A ContainerDriver with its own temp state/run dirs and cgroup parent; Dispose removes everything.</summary>
internal sealed class ContainerHarness : IAsyncDisposable
{
    public static readonly ImageManifest BusyboxImage = new()
    {
        Uuid = "00000000-0000-4000-8000-00000000b0b0",
        Name = "busybox",
        BerthInit = BusyboxRootfs.Init,
        BerthStopSignal = BusyboxRootfs.StopSignal,
    };

    private readonly string _root;
    private readonly List<string> _uuids = [];

    private ContainerHarness(string root, ContainerDriver driver)
    {
        _root = root;
        Driver = driver;
    }

    public ContainerDriver Driver { get; }

    public static async Task<ContainerHarness> StartAsync()
    {
        RootOnly.Require();
        Assert.SkipWhen(!File.Exists("/usr/bin/crun") || !File.Exists(ContainerDriver.Conmon) || !File.Exists(BusyboxRootfs.HostBusybox),
            "needs crun, conmon and busybox-static");
        await CgroupHost.FixHybridForCrunAsync(ct: TestContext.Current.CancellationToken);
        string root = Path.Combine(Path.GetTempPath(), "berth-ct-" + Guid.NewGuid().ToString("N")[..8]);
        var paths = new BerthPaths(Path.Combine(root, "state"), Path.Combine(root, "run"), "berth-test-" + Path.GetFileName(root)[9..]);
        return new ContainerHarness(root, new ContainerDriver(paths, CommandRunner.Default));
    }

    /// <summary>Builds a busybox rootfs and creates (not starts) a container from the manifest.</summary>
    public async Task<(string Uuid, int Pid)> CreateAsync(Manifest manifest)
    {
        ContainerSpec spec = await SpecAsync(manifest);
        int pid = await Driver.CreateAsync(spec, TestContext.Current.CancellationToken);
        return (spec.Manifest.Uuid!, pid);
    }

    /// <summary>A fresh uuid and busybox rootfs for the manifest; the container is deleted on dispose.</summary>
    public async Task<ContainerSpec> SpecAsync(Manifest manifest)
    {
        string uuid = Guid.NewGuid().ToString();
        string rootfs = Path.Combine(_root, "rootfs-" + uuid);
        await BusyboxRootfs.BuildAsync(rootfs);
        _uuids.Add(uuid);
        return new ContainerSpec(manifest with { Uuid = uuid }, rootfs, BusyboxImage);
    }

    public async Task<string> RunAsync(Manifest manifest)
    {
        (string uuid, _) = await CreateAsync(manifest);
        await Driver.StartAsync(uuid, TestContext.Current.CancellationToken);
        await WaitForAsync(async () => (await Driver.GetStatusAsync(uuid, TestContext.Current.CancellationToken))?.Status == "running", "the container runs");
        return uuid;
    }

    public async Task<ExecResult> ExecAsync(string uuid, params string[] argv) =>
        await Driver.ExecAsync(uuid, argv, null, TestContext.Current.CancellationToken);

    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 5)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed.TotalSeconds < seconds, $"timed out after {seconds} s waiting until {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string uuid in _uuids)
        {
            try
            {
                await Driver.DeleteAsync(uuid, TestContext.Current.CancellationToken);
            }
            catch (BerthException e)
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"cleanup of {uuid} failed: {e.Message}");
            }
        }

        // crun removes each instance's cgroup; the test's parent cgroup is ours to remove.
        foreach (string dir in new InstanceCgroup(Driver.Paths.CgroupParent).Directories.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(dir);
            }
            catch (IOException)
            {
            }
        }

        Directory.Delete(_root, recursive: true);
    }
}
