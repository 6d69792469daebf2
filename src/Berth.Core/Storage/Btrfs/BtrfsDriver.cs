using Berth.Core.Host.Interop;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Storage.Btrfs;

/// <summary>A btrfs pool: one subvolume per dataset (mountpoint/group/name), clones are writable snapshots, all through ioctls.</summary>
public sealed partial class BtrfsDriver : IStorageDriver
{
    private readonly string _root;

    internal BtrfsDriver(PoolSpec spec, string quotaMode)
    {
        Spec = spec;
        _root = MountTable.Normalize(spec.Mountpoint);
        Info = new StorageDriverInfo("btrfs", InstantSnapshots: true, CanEnforceQuota: quotaMode != BtrfsQuota.None, QuotaMode: quotaMode);
    }

    public StorageDriverInfo Info { get; }

    public PoolSpec Spec { get; }

    public string DatasetPath(string dataset) => PoolRoot.DatasetPath(_root, dataset);

    public bool Exists(string dataset) => Directory.Exists(DatasetPath(dataset));

    public Task CreateAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed creating dataset \"{Path.Combine(_root, dataset)}\"", () =>
        {
            var (group, name) = DatasetName.Parse(dataset);
            using SafeFileHandle parent = OpenGroup(group);
            BtrfsIoctl.SubvolumeCreate(parent, name);
        });

    public Task CloneAsync(string source, string target, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed snapshotting \"{Path.Combine(_root, source)}\" to \"{Path.Combine(_root, target)}\"", () =>
        {
            string sourcePath = DatasetPath(source);
            var (group, name) = DatasetName.Parse(target);
            if (!Directory.Exists(sourcePath))
            {
                throw BerthException.NotFound($"source dataset \"{source}\" does not exist");
            }

            using SafeFileHandle src = OpenDirectory.Open(CloneSourceFor(source, sourcePath));
            using SafeFileHandle parent = OpenGroup(group);
            BtrfsIoctl.SnapshotCreate(src, parent, name);
        });

    public Task DeleteAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed deleting dataset \"{Path.Combine(_root, dataset)}\"", () =>
        {
            DeleteSnapshots(dataset);
            DeleteGenerations(dataset);
            string path = DatasetPath(dataset);
            if (!Directory.Exists(path))
            {
                return;
            }

            if (!IsSubvolume(path))
            {
                // A plain directory (left by hand or an older layout): not a subvolume, no qgroup.
                Directory.Delete(path, recursive: true);
                return;
            }

            DestroySubvolume(path);
        });

    /// <summary>A subvolume has an id of its own; a plain directory shares its parent's.</summary>
    private static bool IsSubvolume(string path)
    {
        using SafeFileHandle self = OpenDirectory.Open(path);
        using SafeFileHandle parent = OpenDirectory.Open(Path.GetDirectoryName(path)!);
        return BtrfsIoctl.SubvolumeId(self) != BtrfsIoctl.SubvolumeId(parent);
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default) => PoolRoot.ListAsync(_root, prefix);

    public Task<PoolUsage> GetUsageAsync(CancellationToken ct = default) => PoolRoot.UsageAsync(_root);

    /// <summary>Opens the group directory ("images"), a plain directory of the top-level subvolume, making it on first use.</summary>
    private SafeFileHandle OpenGroup(string group)
    {
        string dir = Path.Combine(_root, group);
        Directory.CreateDirectory(dir);
        return OpenDirectory.Open(dir);
    }
}
