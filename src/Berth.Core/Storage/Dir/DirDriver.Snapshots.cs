namespace Berth.Core.Storage.Dir;

/// <summary>Snapshots are full copies (reflinks where the filesystem has them) under .snapshots/GROUP/NAME/; streams are tar.</summary>
public sealed partial class DirDriver
{
    public async Task CreateSnapshotAsync(string dataset, string name, CancellationToken ct = default)
    {
        string snapshot = SnapshotName.PathOf(_root, dataset, name, mustExist: false);
        await CopyTreeAsync(ExistingDatasetPath(dataset), snapshot, $"Failed snapshotting \"{dataset}\" as \"{name}\"", ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string dataset, CancellationToken ct = default) =>
        Task.FromResult(SnapshotName.List(_root, dataset));

    public Task DeleteSnapshotAsync(string dataset, string name, CancellationToken ct = default) =>
        DeleteTreeAsync(SnapshotName.PathOf(_root, dataset, name, mustExist: true), ct);

    public Task RollbackAsync(string dataset, string name, CancellationToken ct = default) =>
        ReplaceWithCopyAsync(dataset, SnapshotName.PathOf(_root, dataset, name, mustExist: true), ct);

    public Task<DatasetUsage> GetDatasetUsageAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed reading the usage of \"{dataset}\"", () => new DatasetUsage(DirectoryBytes.Of(ExistingDatasetPath(dataset)), null));

    /// <summary>A tar of the snapshot; dir has no incremental streams, so a full one is sent even with a base (which must exist).</summary>
    public async Task SendAsync(string dataset, string snapshot, string? fromSnapshot, Stream output, CancellationToken ct = default)
    {
        string path = SnapshotName.PathOf(_root, dataset, snapshot, mustExist: true);
        if (fromSnapshot is not null)
        {
            SnapshotName.PathOf(_root, dataset, fromSnapshot, mustExist: true);
        }

        try
        {
            await _runner.RunStreamingAsync("tar", ["-c", "--numeric-owner", "-C", Path.GetDirectoryName(path)!, Path.GetFileName(path)], null, output, ct).ConfigureAwait(false);
        }
        catch (Host.CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed sending snapshot \"{snapshot}\" of \"{dataset}\": {e.Message}", e);
        }
    }

    public async Task ReceiveAsync(string dataset, Stream input, CancellationToken ct = default)
    {
        DatasetName.Parse(dataset);
        string staging = Path.Combine(_root, SnapshotName.Tree, $".receive-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await _runner.RunStreamingAsync("tar", ["-x", "--numeric-owner", "-C", staging], input, null, ct).ConfigureAwait(false);
            string[] received = Directory.GetDirectories(staging);
            if (received.Length != 1 || Directory.GetFiles(staging).Length != 0)
            {
                throw BerthException.Invalid("stream", "the stream does not hold exactly one snapshot");
            }

            string snapshot = SnapshotName.PathOf(_root, dataset, Path.GetFileName(received[0]), mustExist: false);
            Directory.CreateDirectory(Path.GetDirectoryName(snapshot)!);
            Directory.Move(received[0], snapshot);
            await ReplaceWithCopyAsync(dataset, snapshot, ct).ConfigureAwait(false);
        }
        catch (Host.CommandFailedException e)
        {
            throw BerthException.Invalid("stream", $"the stream for \"{dataset}\" is truncated or corrupt: {e.Result.Stderr.Trim()}");
        }
        finally
        {
            await DeleteTreeAsync(staging, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the dataset a copy of a snapshot: the copy is made beside it, then swapped in by renames.</summary>
    private async Task ReplaceWithCopyAsync(string dataset, string snapshot, CancellationToken ct)
    {
        string live = DatasetPath(dataset);
        string fresh = Path.Combine(Path.GetDirectoryName(live)!, $".new-{Path.GetFileName(live)}");
        await DeleteTreeAsync(fresh, ct).ConfigureAwait(false);
        await CopyTreeAsync(snapshot, fresh, $"Failed restoring \"{dataset}\" from \"{Path.GetFileName(snapshot)}\"", ct).ConfigureAwait(false);
        string old = Path.Combine(Path.GetDirectoryName(live)!, $".old-{Path.GetFileName(live)}-{Guid.NewGuid():N}");
        if (Directory.Exists(live))
        {
            Directory.Move(live, old);
        }

        Directory.Move(fresh, live);
        await DeleteTreeAsync(old, ct).ConfigureAwait(false);
    }

    private string ExistingDatasetPath(string dataset) => PoolRoot.ExistingDatasetPath(_root, dataset);
}
