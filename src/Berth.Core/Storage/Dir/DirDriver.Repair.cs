namespace Berth.Core.Storage.Dir;

/// <summary>Repair after a crash: see <see cref="IStorageDriver.RepairAsync"/>.</summary>
public sealed partial class DirDriver
{
    public async Task RepairAsync(string dataset, CancellationToken ct = default)
    {
        string live = DatasetPath(dataset);
        string groupDir = Path.GetDirectoryName(live)!;
        string name = Path.GetFileName(live);
        string fresh = Path.Combine(groupDir, $".new-{name}");
        try
        {
            // ReplaceWithCopyAsync: .new copied whole, live renamed to .old-NAME-GUID, .new renamed to live, .old removed.
            string[] olds = Directory.Exists(groupDir) ? Directory.GetDirectories(groupDir, $".old-{name}-*") : [];
            if (!Directory.Exists(live) && Directory.Exists(fresh))
            {
                Directory.Move(fresh, live);
            }
            else if (!Directory.Exists(live) && olds.Length == 1)
            {
                Directory.Move(olds[0], live);
            }

            string snapshots = SnapshotName.Dir(_root, dataset);
            var debris = new List<string>();
            foreach ((string dir, string pattern) in new[]
                     {
                         (groupDir, $".new-{name}"), (groupDir, $".old-{name}-*"), (groupDir, $".copy-{name}-*"), (groupDir, $".delete-{name}-*"),
                         (snapshots, ".copy-*"), (snapshots, ".delete-*"), (Path.GetDirectoryName(snapshots)!, $".delete-{name}-*"),
                     })
            {
                if (Directory.Exists(dir))
                {
                    debris.AddRange(Directory.GetDirectories(dir, pattern));
                }
            }

            foreach (string leftover in debris)
            {
                await RemoveTreeAsync(leftover, throwOnFailure: true).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or Host.CommandFailedException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed repairing dataset \"{live}\": {e.Message}", e);
        }
    }
}
