using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Storage;

namespace Berth.Core.Instances;

/// <summary>Snapshots of instances: consistent for running containers (cgroup frozen), rollbacks that keep history.</summary>
public sealed partial class InstanceService
{
    public async Task<Snapshot> CreateSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            IStorageDriver pool = pools.Get(manifest.Zpool);
            await SnapshotConsistentAsync(manifest, pool, InstanceDataset(manifest.Uuid!), name, ct).ConfigureAwait(false);
            return (await ListSnapshotsAsync(pool, manifest, ct).ConfigureAwait(false)).Single(s => s.Name == name);
        }, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await ListSnapshotsAsync(pools.Get(manifest.Zpool), manifest, ct).ConfigureAwait(false);
    }

    public async Task DeleteSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            await pools.Get(manifest.Zpool).DeleteSnapshotAsync(InstanceDataset(manifest.Uuid!), name, ct).ConfigureAwait(false);
            return 0;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Rolls back to a snapshot. Unlike vmadm, history is kept: every snapshot stays, and the state before the rollback
    /// is saved as a snapshot first, so a rollback can be rolled back. A running instance is stopped and started again.
    /// </summary>
    public async Task<RollbackResult> RollbackAsync(string id, string name, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            IStorageDriver pool = pools.Get(manifest.Zpool);
            string dataset = InstanceDataset(manifest.Uuid!);
            if (!(await pool.ListSnapshotsAsync(dataset, ct).ConfigureAwait(false)).Any(s => s.Name == name))
            {
                throw BerthException.NotFound($"snapshot \"{name}\" of {Name(manifest)} not found");
            }

            bool wasRunning = StateOf(manifest) == InstanceState.Running;
            if (wasRunning)
            {
                manifest = await StopLockedAsync(manifest, force: false, DefaultStopTimeoutSeconds, ct).ConfigureAwait(false);
            }

            string saved = $"rollback-{DateTime.UtcNow:yyyyMMdd'T'HHmmss.fff'Z'}";
            await pool.CreateSnapshotAsync(dataset, saved, ct).ConfigureAwait(false);
            await pool.RollbackAsync(dataset, name, ct).ConfigureAwait(false);
            if (wasRunning)
            {
                manifest = await StartLockedAsync(manifest, ct).ConfigureAwait(false);
            }

            return new RollbackResult { Manifest = manifest, Restarted = wasRunning, SavedAs = saved };
        }, ct).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(IStorageDriver pool, Manifest manifest, CancellationToken ct) =>
        [.. (await pool.ListSnapshotsAsync(InstanceDataset(manifest.Uuid!), ct).ConfigureAwait(false))
            .Select(s => new Snapshot { Name = s.Name, CreatedAt = s.CreatedAt, ExclusiveBytes = s.ExclusiveBytes })];

    /// <summary>Snapshots the dataset; a running container's cgroup is frozen around it so the snapshot is consistent.</summary>
    private async Task SnapshotConsistentAsync(Manifest manifest, IStorageDriver pool, string dataset, string snapshot, CancellationToken ct)
    {
        if (StateOf(manifest) != InstanceState.Running)
        {
            await pool.CreateSnapshotAsync(dataset, snapshot, ct).ConfigureAwait(false);
            return;
        }

        var cgroup = new InstanceCgroup(containers.CgroupsPath(manifest.Uuid!));
        await SetFrozenAsync(cgroup, true, ct).ConfigureAwait(false);
        try
        {
            await pool.CreateSnapshotAsync(dataset, snapshot, ct).ConfigureAwait(false);
        }
        finally
        {
            await SetFrozenAsync(cgroup, false, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Freezes or thaws a cgroup (v1 freezer.state, v2 cgroup.freeze) and waits until the kernel says it is done.</summary>
    private static async Task SetFrozenAsync(InstanceCgroup cgroup, bool frozen, CancellationToken ct)
    {
        bool v2 = cgroup.Mode == CgroupMode.V2;
        string dir = cgroup.ControllerDir("freezer")
            ?? throw new BerthException(ErrorKind.Unavailable, "this host has no freezer cgroup: a running container cannot be snapshotted consistently");
        (string file, string value, string doneFile, string done) = v2
            ? ("cgroup.freeze", frozen ? "1" : "0", "cgroup.events", frozen ? "frozen 1" : "frozen 0")
            : ("freezer.state", frozen ? "FROZEN" : "THAWED", "freezer.state", frozen ? "FROZEN" : "THAWED");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, file), value, CancellationToken.None).ConfigureAwait(false);
            DateTime deadline = DateTime.UtcNow.AddSeconds(5);
            while (!(await File.ReadAllTextAsync(Path.Combine(dir, doneFile), CancellationToken.None).ConfigureAwait(false)).Contains(done, StringComparison.Ordinal))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{doneFile} did not say \"{done}\" within 5 s");
                }

                await Task.Delay(5, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed {(frozen ? "freezing" : "thawing")} cgroup \"{dir}\": {e.Message}", e);
        }
    }
}
