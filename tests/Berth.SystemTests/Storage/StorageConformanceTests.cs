// Each storage call is milliseconds long; threading the test token through every one adds only noise.

using System.Diagnostics;
using Berth.Core;
using Berth.Core.Storage;

namespace Berth.SystemTests.Storage;

/// <summary>One suite for every storage driver: each subclass makes its own pool in a temp directory.</summary>
public abstract partial class StorageConformanceTests : IAsyncDisposable
{
    private IStorageDriver? _pool;

    protected StorageConformanceTests()
    {
        TempDir = Path.Combine(Path.GetTempPath(), $"berth-storage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(TempDir);
    }

    protected string TempDir { get; }

    protected IStorageDriver Pool => _pool ?? throw new InvalidOperationException("call StartAsync first");

    protected virtual PoolManager Manager { get; } = new();

    protected abstract PoolSpec MakeSpec();

    protected abstract string ExpectedQuotaMode { get; }

    /// <summary>Checks the backend holds nothing of deleted datasets (subvolumes, qgroups).</summary>
    protected virtual Task AssertNoLeftoversAsync() => Task.CompletedTask;

    /// <summary>Takes the pool offline as a reboot would.</summary>
    protected virtual Task SimulateRebootAsync() => Task.CompletedTask;

    protected async Task StartAsync()
    {
        RootOnly.Require();
        _pool = await Manager.CreatePoolAsync(MakeSpec(), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task CloneSeesTheImageFilesAndIsCopyOnWrite()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        string image = Pool.DatasetPath("images/img");
        await File.WriteAllTextAsync(Path.Combine(image, "hello"), "from the image");
        Directory.CreateDirectory(Path.Combine(image, "etc"));

        await Pool.CloneAsync("images/img", "instances/a");

        string clone = Pool.DatasetPath("instances/a");
        Assert.True(Pool.Exists("instances/a"));
        Assert.Equal("from the image", await File.ReadAllTextAsync(Path.Combine(clone, "hello")));
        Assert.True(Directory.Exists(Path.Combine(clone, "etc")));
        await File.WriteAllTextAsync(Path.Combine(clone, "hello"), "changed in the clone");
        await File.WriteAllTextAsync(Path.Combine(clone, "new"), "only in the clone");
        Assert.Equal("from the image", await File.ReadAllTextAsync(Path.Combine(image, "hello")));
        Assert.False(File.Exists(Path.Combine(image, "new")));
    }

    [Fact]
    public async Task ExistingTargetsAndMissingSourcesAreRefused()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        var again = await Assert.ThrowsAsync<BerthException>(() => Pool.CreateAsync("images/img"));
        Assert.Equal(ErrorKind.AlreadyExists, again.Kind);
        await Pool.CloneAsync("images/img", "instances/a");
        var twice = await Assert.ThrowsAsync<BerthException>(() => Pool.CloneAsync("images/img", "instances/a"));
        Assert.Equal(ErrorKind.AlreadyExists, twice.Kind);
        var missing = await Assert.ThrowsAsync<BerthException>(() => Pool.CloneAsync("images/nope", "instances/b"));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.False(Pool.Exists("instances/b"));
        var bad = await Assert.ThrowsAsync<BerthException>(() => Pool.CreateAsync("../escape"));
        Assert.Equal(ErrorKind.InvalidArgument, bad.Kind);
    }

    [Fact]
    public async Task DeleteLeavesNothing()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "f"), "x");
        await Pool.CloneAsync("images/img", "instances/a");
        if (Pool.Info.CanEnforceQuota)
        {
            await Pool.SetQuotaAsync("instances/a", 64L << 20);
        }

        await Pool.DeleteAsync("instances/a");
        await Pool.DeleteAsync("images/img");
        await Pool.DeleteAsync("images/img");

        Assert.False(Pool.Exists("instances/a"));
        Assert.False(Directory.Exists(Pool.DatasetPath("instances/a")));
        Assert.Empty(await Pool.ListAsync(""));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Pool.Spec.Mountpoint, "instances")));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task ListShowsTheDatasetsOfAGroup()
    {
        await StartAsync();
        await Pool.CreateAsync("images/b");
        await Pool.CreateAsync("images/a");
        await Pool.CloneAsync("images/a", "instances/c");

        Assert.Equal(["images/a", "images/b"], await Pool.ListAsync("images"));
        Assert.Equal(["instances/c"], await Pool.ListAsync("instances"));
        Assert.Equal(["images/a", "images/b", "instances/c"], await Pool.ListAsync(""));
        Assert.Empty(await Pool.ListAsync("nothing"));
    }

    [Fact]
    public async Task UsageIsConsistent()
    {
        await StartAsync();
        PoolUsage usage = await Pool.GetUsageAsync();
        Assert.True(usage.Size > 0, $"size {usage.Size}");
        Assert.InRange(usage.Used, 0, usage.Size);
        Assert.InRange(usage.Available, 1, usage.Size);
        if (Pool.Spec.SizeBytes is { } size)
        {
            // btrfs on a loop file: the filesystem is about as big as the file.
            Assert.InRange(usage.Size, size / 2, size);
        }
    }

    [Fact]
    public async Task QuotaIsEnforcedOrRefusedClearly()
    {
        await StartAsync();
        Assert.Equal(ExpectedQuotaMode, Pool.Info.QuotaMode);
        await Pool.CreateAsync("images/img");
        await Pool.CloneAsync("images/img", "instances/q");
        if (!Pool.Info.CanEnforceQuota)
        {
            var refused = await Assert.ThrowsAsync<BerthException>(() => Pool.SetQuotaAsync("instances/q", 50L << 20));
            Assert.Equal(ErrorKind.InvalidArgument, refused.Kind);
            Assert.Equal("quota: the dir driver cannot enforce quotas; use a btrfs pool or set quota to 0", refused.Message);
            await Pool.SetQuotaAsync("instances/q", 0);
            await Pool.SetQuotaAsync("instances/q", null);
            return;
        }

        await Pool.SetQuotaAsync("instances/q", 50L << 20);
        string file = Path.Combine(Pool.DatasetPath("instances/q"), "big");
        long written = await WriteUntilFailureAsync(file, 100);
        Assert.InRange(written, 1, 50);
        Assert.False(File.Exists(file) && new FileInfo(file).Length >= 100L << 20);

        // Clearing the quota lets writes through again.
        File.Delete(file);
        await Pool.SetQuotaAsync("instances/q", null);
        Assert.Equal(100, await WriteUntilFailureAsync(file, 100));
    }

    [Fact]
    public async Task ReopenAfterRebootMountsThePoolAgain()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "kept"), "still here");
        string mode = Pool.Info.QuotaMode;

        await SimulateRebootAsync();
        _pool = await Manager.OpenPoolAsync(Pool.Spec, TestContext.Current.CancellationToken);
        _pool = await Manager.OpenPoolAsync(Pool.Spec, TestContext.Current.CancellationToken);

        Assert.True(Pool.Exists("images/img"));
        Assert.Equal("still here", await File.ReadAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "kept")));
        Assert.Equal(mode, Pool.Info.QuotaMode);
        await Pool.CloneAsync("images/img", "instances/after");
        Assert.True(Pool.Exists("instances/after"));
    }

    [Fact]
    public async Task DeletePoolIsRefusedWhileDatasetsExist()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        var refused = await Assert.ThrowsAsync<BerthException>(() => Manager.DeletePoolAsync(Pool, TestContext.Current.CancellationToken));
        Assert.Equal(ErrorKind.Conflict, refused.Kind);
        Assert.Contains("images/img", refused.Message);
        Assert.True(Pool.Exists("images/img"));

        await Pool.DeleteAsync("images/img");
        await Manager.DeletePoolAsync(Pool, TestContext.Current.CancellationToken);

        Assert.Null(MountTable.At(Pool.Spec.Mountpoint));
        Assert.False(Directory.Exists(Pool.Spec.Mountpoint));
        if (Pool.Spec.File is { } file)
        {
            Assert.False(File.Exists(file));
            Assert.Equal("", (await Sh.RunAsync("losetup", "-n", "-j", file)).Trim());
        }
    }

    [Fact]
    public async Task CloneAndDeleteTimings()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "f"), "x");
        const int n = 30;
        var clone = new List<double>();
        var quota = new List<double>();
        var delete = new List<double>();
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            await Pool.CloneAsync("images/img", $"instances/t{i}");
            clone.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            if (Pool.Info.CanEnforceQuota)
            {
                t0 = Stopwatch.GetTimestamp();
                await Pool.SetQuotaAsync($"instances/t{i}", 1L << 30);
                quota.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }

        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            await Pool.DeleteAsync($"instances/t{i}");
            delete.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        Assert.Empty(await Pool.ListAsync("instances"));
        string line = $"{Pool.Info.Name}/{Pool.Info.QuotaMode}: clone median {Median(clone):F3} ms, delete median {Median(delete):F3} ms, quota set median {(quota.Count > 0 ? $"{Median(quota):F3} ms" : "n/a")} ({n} each)";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await CleanupAsync();
    }

    /// <summary>Unmounts, detaches and deletes whatever the test made, even after a failure.</summary>
    protected virtual async Task CleanupAsync()
    {
        PoolSpec spec = MakeSpec();
        if (MountTable.At(spec.Mountpoint) is not null)
        {
            await Sh.RunAsync("umount", spec.Mountpoint);
        }

        if (spec.File is not null)
        {
            await Sh.DetachLoopsAsync(spec.File);
        }

        await Sh.RunAsync("rm", "-rf", "--one-file-system", TempDir);
    }

    private static async Task<long> WriteUntilFailureAsync(string path, int mib)
    {
        byte[] chunk = new byte[1 << 20];
        Random.Shared.NextBytes(chunk);
        long written = 0;
        try
        {
            await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            for (int i = 0; i < mib; i++)
            {
                await stream.WriteAsync(chunk);
                stream.Flush(flushToDisk: true);
                written++;
            }
        }
        catch (IOException e)
        {
            Assert.Contains("Disk quota exceeded", e.Message);
        }

        return written;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
