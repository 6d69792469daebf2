using Berth.Core;
using Berth.Core.Storage;

namespace Berth.SystemTests.Storage;

/// <summary>Snapshots, rollback with history kept, usage and send/receive, for every driver.</summary>
public abstract partial class StorageConformanceTests
{
    private async Task WriteAsync(string dataset, string content) =>
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath(dataset), "file"), content);

    private async Task<string> ReadAsync(string dataset) =>
        await File.ReadAllTextAsync(Path.Combine(Pool.DatasetPath(dataset), "file"));

    [Fact]
    public async Task RollbackKeepsHistoryBothWays()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        await WriteAsync("instances/a", "one");
        await Pool.CreateSnapshotAsync("instances/a", "first");
        await WriteAsync("instances/a", "two");
        await Pool.CreateSnapshotAsync("instances/a", "second");
        await WriteAsync("instances/a", "three");

        await Pool.RollbackAsync("instances/a", "first");
        Assert.Equal("one", await ReadAsync("instances/a"));
        await Pool.RollbackAsync("instances/a", "second");
        Assert.Equal("two", await ReadAsync("instances/a"));
        await Pool.RollbackAsync("instances/a", "first");
        Assert.Equal("one", await ReadAsync("instances/a"));

        IReadOnlyList<SnapshotInfo> snapshots = await Pool.ListSnapshotsAsync("instances/a");
        Assert.Equal(["first", "second"], snapshots.Select(s => s.Name));
        Assert.Equal(["instances/a"], await Pool.ListAsync("instances"));
    }

    [Fact]
    public async Task SnapshotNamesAreCheckedAndUnique()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        await Pool.CreateSnapshotAsync("instances/a", "s1");
        Assert.Equal(ErrorKind.AlreadyExists, (await Assert.ThrowsAsync<BerthException>(() => Pool.CreateSnapshotAsync("instances/a", "s1"))).Kind);
        Assert.Equal(ErrorKind.InvalidArgument, (await Assert.ThrowsAsync<BerthException>(() => Pool.CreateSnapshotAsync("instances/a", "../x"))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<BerthException>(() => Pool.RollbackAsync("instances/a", "nope"))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<BerthException>(() => Pool.CreateSnapshotAsync("instances/missing", "s1"))).Kind);
        await Pool.DeleteSnapshotAsync("instances/a", "s1");
        Assert.Empty(await Pool.ListSnapshotsAsync("instances/a"));
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<BerthException>(() => Pool.DeleteSnapshotAsync("instances/a", "s1"))).Kind);
    }

    [Fact]
    public async Task DeletingADatasetWithSnapshotsLeavesNothing()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        await WriteAsync("instances/a", "x");
        await Pool.CreateSnapshotAsync("instances/a", "s1");
        await Pool.CreateSnapshotAsync("instances/a", "s2");

        await Pool.DeleteAsync("instances/a");

        Assert.False(Pool.Exists("instances/a"));
        Assert.Empty(await Pool.ListSnapshotsAsync("instances/a"));
        Assert.False(Directory.Exists(Path.Combine(Pool.Spec.Mountpoint, ".snapshots", "instances", "a")));
        await AssertNoLeftoversAsync();
    }

    [Fact]
    public async Task UsageGrowsWithWrites()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        long before = (await Pool.GetDatasetUsageAsync("instances/a")).UsedBytes;
        await File.WriteAllBytesAsync(Path.Combine(Pool.DatasetPath("instances/a"), "blob"), new byte[20 << 20]);
        await Berth.Core.Host.CommandRunner.Default.RunAsync("sync", []);
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        long after;
        while ((after = (await Pool.GetDatasetUsageAsync("instances/a")).UsedBytes) < before + (10 << 20) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(after >= before + (10 << 20), $"usage {before} -> {after} after writing 20 MiB");
    }

    [Fact]
    public async Task SendAndReceiveRoundTripFullThenIncremental()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        await WriteAsync("instances/a", "one");
        await Pool.CreateSnapshotAsync("instances/a", "s1");
        var full = new MemoryStream();
        await Pool.SendAsync("instances/a", "s1", null, full);

        full.Position = 0;
        await Pool.ReceiveAsync("instances/b", full);
        Assert.Equal("one", await ReadAsync("instances/b"));
        Assert.Contains(await Pool.ListSnapshotsAsync("instances/b"), s => s.Name == "s1");

        await WriteAsync("instances/a", "two");
        await Pool.CreateSnapshotAsync("instances/a", "s2");
        var incremental = new MemoryStream();
        await Pool.SendAsync("instances/a", "s2", "s1", incremental);
        incremental.Position = 0;
        await Pool.ReceiveAsync("instances/b", incremental);
        Assert.Equal("two", await ReadAsync("instances/b"));
    }

    [Fact]
    public async Task TruncatedOrCorruptStreamsAreRefusedAndLeaveNothing()
    {
        await StartAsync();
        await Pool.CreateAsync("instances/a");
        await File.WriteAllBytesAsync(Path.Combine(Pool.DatasetPath("instances/a"), "blob"), Enumerable.Range(0, 1 << 20).Select(i => (byte)i).ToArray());
        await Pool.CreateSnapshotAsync("instances/a", "s1");
        var stream = new MemoryStream();
        await Pool.SendAsync("instances/a", "s1", null, stream);
        byte[] bytes = stream.ToArray();

        byte[] truncated = bytes[..(bytes.Length / 2)];
        byte[] corrupt = [.. bytes];
        for (int i = 0; i < 64; i++)
        {
            corrupt[i] ^= 0x5a;
        }

        foreach (byte[] bad in new[] { truncated, corrupt })
        {
            var e = await Assert.ThrowsAsync<BerthException>(() => Pool.ReceiveAsync("instances/b", new MemoryStream(bad)));
            Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
            Assert.False(Pool.Exists("instances/b"));
            Assert.Empty(await Pool.ListSnapshotsAsync("instances/b"));
        }

        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(Pool.Spec.Mountpoint, ".snapshots")), d => Path.GetFileName(d).StartsWith(".receive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentClonesAllSucceed()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "file"), "image");
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Pool.CloneAsync("images/img", $"instances/c{i}")));
        Assert.Equal(10, (await Pool.ListAsync("instances")).Count);
    }

    [Fact]
    public async Task ManyClonesOfOneImageAllSeeItAndGoWithIt()
    {
        await StartAsync();
        await Pool.CreateAsync("images/img");
        await File.WriteAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "file"), "image");
        for (int i = 0; i < 70; i++)
        {
            await Pool.CloneAsync("images/img", $"instances/c{i}");
        }

        for (int i = 0; i < 70; i += 23)
        {
            Assert.Equal("image", await ReadAsync($"instances/c{i}"));
        }

        await WriteAsync("instances/c69", "changed");
        Assert.Equal("image", await File.ReadAllTextAsync(Path.Combine(Pool.DatasetPath("images/img"), "file")));
        Assert.Equal("image", await ReadAsync("instances/c68"));

        await Pool.DeleteAsync("images/img");
        Assert.False(Directory.Exists(Path.Combine(Pool.Spec.Mountpoint, ".generations", "images", "img")));
        Assert.Equal("image", await ReadAsync("instances/c0"));
        foreach (string clone in await Pool.ListAsync("instances"))
        {
            await Pool.DeleteAsync(clone);
        }

        await AssertNoLeftoversAsync();
    }
}
