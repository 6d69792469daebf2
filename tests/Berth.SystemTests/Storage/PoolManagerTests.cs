// Each storage call is milliseconds long; threading the test token through every one adds only noise.

using Berth.Core;
using Berth.Core.Storage;

namespace Berth.SystemTests.Storage;

/// <summary>Pool creation on devices and the failures that must leave nothing behind.</summary>
public sealed class PoolManagerTests : IAsyncDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), $"berth-pools-{Guid.NewGuid():N}");
    private readonly List<string> _loops = [];
    private readonly PoolManager _manager = new();

    public PoolManagerTests() => Directory.CreateDirectory(_temp);

    [Fact]
    public async Task AMissingDeviceIsRefusedAndLeavesNothing()
    {
        RootOnly.Require();
        string mnt = Path.Combine(_temp, "mnt");
        var spec = new PoolSpec("t", "btrfs", Device: $"/dev/berth-missing-{Guid.NewGuid():N}", File: null, SizeBytes: null, Mountpoint: mnt);

        var e = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(spec.Device!, e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.False(Directory.Exists(mnt));
        Assert.Null(MountTable.At(mnt));
    }

    [Fact]
    public async Task AFailureHalfWayRemovesTheLoopFile()
    {
        RootOnly.Require();
        // The mountpoint is a regular file: the file is made and formatted, then making the mountpoint fails.
        string mnt = Path.Combine(_temp, "not-a-dir");
        await File.WriteAllTextAsync(mnt, "in the way");
        string file = Path.Combine(_temp, "sub", "pool.img");
        var spec = new PoolSpec("t", "btrfs", Device: null, File: file, SizeBytes: 256L << 20, Mountpoint: mnt);

        var e = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec));

        Assert.Contains("Failed creating pool \"t\"", e.Message);
        Assert.False(File.Exists(file));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
        Assert.Null(MountTable.At(mnt));
        Assert.Equal("", (await Sh.RunAsync("losetup", "-n", "-j", file)).Trim());
    }

    [Fact]
    public async Task AnExistingFileOrAMountedMountpointIsRefused()
    {
        RootOnly.Require();
        string file = Path.Combine(_temp, "pool.img");
        string mnt = Path.Combine(_temp, "mnt");
        await File.WriteAllTextAsync(file, "precious");
        var spec = new PoolSpec("t", "btrfs", Device: null, File: file, SizeBytes: 256L << 20, Mountpoint: mnt);

        var exists = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec));
        Assert.Equal(ErrorKind.AlreadyExists, exists.Kind);
        Assert.Equal("precious", await File.ReadAllTextAsync(file));

        Directory.CreateDirectory(mnt);
        await Sh.RunCheckedAsync("mount", "-t", "tmpfs", "berth-test", mnt);
        var mounted = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec with { File = Path.Combine(_temp, "other.img") }));
        Assert.Equal(ErrorKind.Conflict, mounted.Kind);
        Assert.Contains("tmpfs", mounted.Message);
        Assert.False(File.Exists(Path.Combine(_temp, "other.img")));
    }

    [Fact]
    public async Task AnEmptyDeviceBecomesAPoolAndAUsedOneIsRefused()
    {
        RootOnly.Require();
        string loop = await NewLoopDeviceAsync("dev.img");
        string mnt = Path.Combine(_temp, "mnt");
        var spec = new PoolSpec("t", "btrfs", Device: loop, File: null, SizeBytes: null, Mountpoint: mnt);

        IStorageDriver pool = await _manager.CreatePoolAsync(spec);
        Assert.Equal("simple", pool.Info.QuotaMode);
        Assert.Equal("btrfs", MountTable.At(mnt)?.FsType);

        // Mounted: refused.
        var busy = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec with { Mountpoint = Path.Combine(_temp, "mnt2") }));
        Assert.Equal(ErrorKind.Conflict, busy.Kind);
        Assert.Contains("mounted", busy.Message);

        await Sh.RunCheckedAsync("umount", mnt);
        pool = await _manager.OpenPoolAsync(spec);
        await pool.CreateAsync("images/x");
        await pool.DeleteAsync("images/x");
        await _manager.DeletePoolAsync(pool);
        Assert.Null(MountTable.At(mnt));

        // Holding a filesystem: refused, and the filesystem is untouched.
        var used = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(spec));
        Assert.Equal(ErrorKind.Conflict, used.Kind);
        Assert.Contains("btrfs filesystem", used.Message);
        Assert.Equal("btrfs", (await Sh.RunAsync("blkid", "-p", "-o", "value", "-s", "TYPE", loop)).Trim());
    }

    [Fact]
    public async Task ADirPoolOnANonEmptyDirectoryIsRefused()
    {
        RootOnly.Require();
        string dir = Path.Combine(_temp, "pool");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "someone-elses"), "x");

        var e = await Assert.ThrowsAsync<BerthException>(() => _manager.CreatePoolAsync(new PoolSpec("t", "dir", null, null, null, dir)));

        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.True(File.Exists(Path.Combine(dir, "someone-elses")));
    }

    private async Task<string> NewLoopDeviceAsync(string name)
    {
        string file = Path.Combine(_temp, name);
        await using (var stream = new FileStream(file, FileMode.CreateNew))
        {
            stream.SetLength(256L << 20);
        }

        string loop = (await Sh.RunCheckedAsync("losetup", "-f", "--show", file)).Trim();
        _loops.Add(loop);
        return loop;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (MountEntry m in MountTable.Read().Where(m => m.MountPoint.StartsWith(_temp, StringComparison.Ordinal)).Reverse())
        {
            await Sh.RunAsync("umount", m.MountPoint);
        }

        foreach (string loop in _loops)
        {
            await Sh.RunAsync("losetup", "-d", loop);
        }

        foreach (string img in Directory.Exists(_temp) ? Directory.GetFiles(_temp, "*.img", SearchOption.AllDirectories) : [])
        {
            await Sh.DetachLoopsAsync(img);
        }

        await Sh.RunAsync("rm", "-rf", "--one-file-system", _temp);
    }
}
