using Berth.Core.Host;
using Berth.Core.Storage;

namespace Berth.SystemTests.Storage;

/// <summary>The conformance suite on btrfs in a 1 GiB sparse loop file.</summary>
public abstract class BtrfsPoolTests : StorageConformanceTests
{
    protected override PoolSpec MakeSpec() =>
        new("t", "btrfs", Device: null, File: Path.Combine(TempDir, "pool.img"), SizeBytes: 1L << 30, Mountpoint: Path.Combine(TempDir, "mnt"));

    protected override Task SimulateRebootAsync() =>
        // Unmounting a `mount -o loop` file also detaches its loop device, as a reboot does.
        Sh.RunCheckedAsync("umount", Pool.Spec.Mountpoint);

    protected override async Task AssertNoLeftoversAsync()
    {
        string mnt = Pool.Spec.Mountpoint;
        Assert.Equal("", (await Sh.RunCheckedAsync("btrfs", "subvolume", "list", mnt)).Trim());

        // The cleaner drops deleted subvolumes after a commit; the kernel then removes their qgroups.
        string uuid = (await Sh.RunCheckedAsync("findmnt", "-n", "-o", "UUID", "--mountpoint", mnt)).Trim();
        string qgroups = $"/sys/fs/btrfs/{uuid}/qgroups";
        Assert.True(Directory.Exists(qgroups), $"{qgroups} exists while quotas are on");
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        string[] left;
        while (true)
        {
            await Sh.RunCheckedAsync("btrfs", "filesystem", "sync", mnt);
            left = Directory.GetDirectories(qgroups).Select(Path.GetFileName).OfType<string>().Where(q => q != "0_5").ToArray();
            if (left.Length == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Empty(left);
    }
}

public sealed class BtrfsSimpleQuotaPoolTests : BtrfsPoolTests
{
    protected override string ExpectedQuotaMode => "simple";
}

public sealed class BtrfsQgroupPoolTests : BtrfsPoolTests
{
    protected override PoolManager Manager { get; } = new(CommandRunner.Default, preferSimpleQuotas: false);

    protected override string ExpectedQuotaMode => "qgroup";
}

/// <summary>The conformance suite on a plain directory.</summary>
public sealed class DirPoolTests : StorageConformanceTests
{
    protected override PoolSpec MakeSpec() =>
        new("t", "dir", Device: null, File: null, SizeBytes: null, Mountpoint: Path.Combine(TempDir, "pool"));

    protected override string ExpectedQuotaMode => "none";
}
