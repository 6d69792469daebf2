namespace Berth.Core.Storage.Btrfs;

/// <summary>Repair after a crash: see <see cref="IStorageDriver.RepairAsync"/>.</summary>
public sealed partial class BtrfsDriver
{
    public Task RepairAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed repairing dataset \"{Path.Combine(_root, dataset)}\"", () =>
        {
            var (group, name) = DatasetName.Parse(dataset);
            string groupDir = Path.Combine(_root, group);
            string live = Path.Combine(groupDir, name);
            string fresh = Path.Combine(groupDir, $".new-{name}");
            string old = Path.Combine(groupDir, $".old-{name}");
            // ReplaceWithSnapshot: .new made, live renamed to .old, .new renamed to live, .old destroyed.
            if (!Directory.Exists(live) && Directory.Exists(fresh))
            {
                Directory.Move(fresh, live);
            }
            else if (!Directory.Exists(live) && Directory.Exists(old))
            {
                Directory.Move(old, live);
            }

            foreach (string leftover in new[] { fresh, old }.Where(Directory.Exists))
            {
                DestroySubvolume(leftover);
            }
        });
}
