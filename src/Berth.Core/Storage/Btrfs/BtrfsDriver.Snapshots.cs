using Berth.Core.Host;
using Berth.Core.Host.Interop;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Storage.Btrfs;

/// <summary>Snapshots are read-only subvolumes under .snapshots/GROUP/NAME/; a rollback swaps in a writable snapshot of one.</summary>
public sealed partial class BtrfsDriver
{
    public Task CreateSnapshotAsync(string dataset, string name, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed snapshotting \"{Path.Combine(_root, dataset)}\" as \"{name}\"", () =>
        {
            string snapshot = SnapshotName.PathOf(_root, dataset, name, mustExist: false);
            string source = ExistingDatasetPath(dataset);
            Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
            using SafeFileHandle src = OpenDirectory.Open(source);
            using SafeFileHandle parent = OpenDirectory.Open(Path.GetDirectoryName(snapshot)!);
            BtrfsIoctl.SnapshotCreate(src, parent, name, readOnly: true);
        });

    /// <summary>A snapshot subvolume keeps the birth time of what it copied, so its own creation time comes from btrfs.</summary>
    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed listing the snapshots of \"{Path.Combine(_root, dataset)}\"", () => SnapshotName.List(_root, dataset, SubvolumeCreationTime));

    private static DateTimeOffset SubvolumeCreationTime(string path)
    {
        CommandResult show = CommandRunner.Default.RunCheckedAsync("btrfs", ["subvolume", "show", path]).GetAwaiter().GetResult();
        string? line = show.Stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("Creation time:", StringComparison.Ordinal));
        // "2026-11-24 19:46:41 +0000"
        string text = line?.Split(':', 2)[1].Trim() ?? "";
        return text.Length > 5 && DateTimeOffset.TryParseExact(text.Insert(text.Length - 2, ":"), "yyyy-MM-dd HH:mm:ss zzz",
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out DateTimeOffset at)
            ? at
            : throw new BerthException(ErrorKind.Internal, $"btrfs subvolume show \"{path}\" gave no creation time");
    }

    public Task DeleteSnapshotAsync(string dataset, string name, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed deleting snapshot \"{name}\" of \"{Path.Combine(_root, dataset)}\"", () =>
            DestroySubvolume(SnapshotName.PathOf(_root, dataset, name, mustExist: true)));

    public Task RollbackAsync(string dataset, string name, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed rolling \"{Path.Combine(_root, dataset)}\" back to \"{name}\"", () =>
            ReplaceWithSnapshot(dataset, SnapshotName.PathOf(_root, dataset, name, mustExist: true)));

    public Task<DatasetUsage> GetDatasetUsageAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed reading the usage of \"{Path.Combine(_root, dataset)}\"", () => UsageOf(dataset));

    private DatasetUsage UsageOf(string dataset)
    {
        string qgroup = QgroupSysfsDir(ExistingDatasetPath(dataset));
        if (!Info.CanEnforceQuota || !Directory.Exists(qgroup))
        {
            return new DatasetUsage(DirectoryBytes.Of(DatasetPath(dataset)), null);
        }

        long limit = long.Parse(File.ReadAllText(Path.Combine(qgroup, "max_exclusive")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        long used = long.Parse(File.ReadAllText(Path.Combine(qgroup, "exclusive")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return new DatasetUsage(used, limit > 0 ? limit : null);
    }

    public async Task SendAsync(string dataset, string snapshot, string? fromSnapshot, Stream output, CancellationToken ct = default)
    {
        string path = SnapshotName.PathOf(_root, dataset, snapshot, mustExist: true);
        List<string> args = ["send", "-q"];
        if (fromSnapshot is not null)
        {
            args.AddRange(["-p", SnapshotName.PathOf(_root, dataset, fromSnapshot, mustExist: true)]);
        }

        try
        {
            await CommandRunner.Default.RunStreamingAsync("btrfs", [.. args, path], null, output, ct).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed sending snapshot \"{snapshot}\" of \"{dataset}\": {e.Message}", e);
        }
    }

    /// <summary>Receives into the dataset's snapshot directory itself: a received read-only subvolume cannot be moved later.</summary>
    public async Task ReceiveAsync(string dataset, Stream input, CancellationToken ct = default)
    {
        var (group, datasetName) = DatasetName.Parse(dataset);
        string dir = SnapshotName.Dir(_root, dataset);
        Directory.CreateDirectory(dir);
        HashSet<string> before = [.. Directory.GetDirectories(dir)];
        bool done = false;
        try
        {
            await CommandRunner.Default.RunStreamingAsync("btrfs", ["receive", "-q", "-e", dir], input, null, ct).ConfigureAwait(false);
            string[] received = [.. Directory.GetDirectories(dir).Where(d => !before.Contains(d))];
            if (received.Length != 1)
            {
                throw BerthException.Invalid("stream", $"the stream held {received.Length} subvolumes, not one snapshot");
            }

            if (Exists(dataset))
            {
                ReplaceWithSnapshot(dataset, received[0]);
            }
            else
            {
                using SafeFileHandle src = OpenDirectory.Open(received[0]);
                using SafeFileHandle parent = OpenGroup(group);
                BtrfsIoctl.SnapshotCreate(src, parent, datasetName);
            }

            done = true;
        }
        catch (CommandFailedException e)
        {
            throw BerthException.Invalid("stream", $"the stream for \"{dataset}\" is truncated or corrupt: {e.Result.Stderr.Trim()}");
        }
        finally
        {
            if (!done)
            {
                foreach (string leftover in Directory.GetDirectories(dir).Where(d => !before.Contains(d)))
                {
                    DestroySubvolume(leftover);
                }

                if (before.Count == 0 && Directory.GetFileSystemEntries(dir).Length == 0)
                {
                    Directory.Delete(dir);
                }
            }
        }
    }

    /// <summary>Makes a dataset a writable copy of a snapshot, keeping its quota: new beside, then two renames, then the old goes.</summary>
    private void ReplaceWithSnapshot(string dataset, string snapshot)
    {
        var (group, name) = DatasetName.Parse(dataset);
        string live = ExistingDatasetPath(dataset);
        string groupDir = Path.Combine(_root, group);
        string fresh = Path.Combine(groupDir, $".new-{name}");
        string old = Path.Combine(groupDir, $".old-{name}");
        long? quota = UsageOf(dataset).QuotaBytes;
        using (SafeFileHandle src = OpenDirectory.Open(snapshot))
        using (SafeFileHandle parent = OpenGroup(group))
        {
            BtrfsIoctl.SnapshotCreate(src, parent, Path.GetFileName(fresh));
        }

        if (quota is long bytes)
        {
            using SafeFileHandle subvolume = OpenDirectory.Open(fresh);
            BtrfsIoctl.QgroupLimitExclusive(subvolume, (ulong)bytes);
        }

        Directory.Move(live, old);
        Directory.Move(fresh, live);
        DestroySubvolume(old);
    }

    private void DeleteSnapshots(string dataset)
    {
        string dir = SnapshotName.Dir(_root, dataset);
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (string snapshot in Directory.GetDirectories(dir))
        {
            DestroySubvolume(snapshot);
        }

        Directory.Delete(dir);
    }

    private void DestroySubvolume(string path)
    {
        ulong id;
        using (SafeFileHandle self = OpenDirectory.Open(path))
        {
            id = BtrfsIoctl.SubvolumeId(self);
        }

        using (SafeFileHandle parent = OpenDirectory.Open(Path.GetDirectoryName(path)!))
        {
            BtrfsIoctl.SubvolumeDestroy(parent, Path.GetFileName(path));
        }

        DestroyQgroup(id);
    }

    private string ExistingDatasetPath(string dataset) => PoolRoot.ExistingDatasetPath(_root, dataset);

    private string QgroupSysfsDir(string subvolumePath)
    {
        using SafeFileHandle root = OpenDirectory.Open(_root);
        using SafeFileHandle self = OpenDirectory.Open(subvolumePath);
        return $"/sys/fs/btrfs/{BtrfsIoctl.FsId(root)}/qgroups/0_{BtrfsIoctl.SubvolumeId(self)}";
    }
}
