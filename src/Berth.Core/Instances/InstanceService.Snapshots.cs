using System.Globalization;
using System.Text.RegularExpressions;
using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>The prefix of the snapshot a rollback takes of the state it replaces.</summary>
    public const string RollbackSnapshotPrefix = "rollback-";

    private static readonly TimeSpan s_freezeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Takes a snapshot; a running container is frozen around it so that its files are consistent.</summary>
    public async Task<Snapshot> CreateSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        ValidateSnapshotName(name);
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            IStorageDriver pool = pools.Get(manifest.Zpool);
            string dataset = InstanceDataset(manifest.Uuid!);
            if (await HasSnapshotAsync(pool, dataset, name, ct).ConfigureAwait(false))
            {
                // Refused before the journal: recovery deletes the intent's snapshot, which must be this call's own.
                throw new BerthException(ErrorKind.AlreadyExists, $"{Name(manifest)} already has a snapshot \"{name}\"");
            }

            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Snapshot, null, new Store.IntentDetail { Snapshot = name }, async _ =>
            {
                await SnapshotConsistentAsync(manifest, pool, dataset, name, ct).ConfigureAwait(false);
                Log.SnapshotTaken(logger, manifest.Uuid!, name);
                Publish(Events.EventTypes.Snapshot, manifest, new Dictionary<string, object?> { ["action"] = "created", ["name"] = name });
                return await FindSnapshotAsync(pool, dataset, name, manifest, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The instance's snapshots, oldest first.</summary>
    public async Task<IReadOnlyList<Snapshot>> ListSnapshotsAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        IReadOnlyList<SnapshotInfo> found = await pools.Get(manifest.Zpool)
            .ListSnapshotsAsync(InstanceDataset(manifest.Uuid!), ct).ConfigureAwait(false);
        return [.. found.Select(ToWire)];
    }

    /// <summary>
    /// Makes the instance's files those of the snapshot, saving the state before as an automatic snapshot first
    /// (history is kept: the rollback can itself be rolled back); a running instance is stopped and started again.
    /// </summary>
    public async Task<RollbackResult> RollbackSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        ValidateSnapshotName(name);
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            IStorageDriver pool = pools.Get(manifest.Zpool);
            string dataset = InstanceDataset(manifest.Uuid!);
            IReadOnlyList<SnapshotInfo> existing = await pool.ListSnapshotsAsync(dataset, ct).ConfigureAwait(false);
            if (!existing.Any(s => s.Name == name))
            {
                throw BerthException.NotFound($"{Name(manifest)} has no snapshot \"{name}\"");
            }

            bool running = StateOf(manifest) == InstanceState.Running;
            string savedAs = AutomaticSnapshotName(existing);
            var detail = new Store.IntentDetail { Snapshot = name, SavedAs = savedAs, WasRunning = running };
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Rollback, null, detail,
                _ => RollBackLockedAsync(manifest, pool, name, savedAs, ct), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Stops a running instance, saves its state as <paramref name="savedAs"/>, rolls back and starts it again.</summary>
    private async Task<RollbackResult> RollBackLockedAsync(Manifest manifest, IStorageDriver pool, string name, string savedAs, CancellationToken ct)
    {
        string dataset = InstanceDataset(manifest.Uuid!);
        bool running = StateOf(manifest) == InstanceState.Running;
        if (running)
        {
            manifest = await StopLockedAsync(manifest, force: false, DefaultStopTimeoutSeconds, ct).ConfigureAwait(false);
        }

        try
        {
            // Stopped now, so the saved state needs no freeze.
            await pool.CreateSnapshotAsync(dataset, savedAs, ct).ConfigureAwait(false);
            await pool.RollbackAsync(dataset, name, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (running)
        {
            // Leave the instance as it was found: running, on its files of before.
            await RestartAfterFailedRollbackAsync(manifest, e).ConfigureAwait(false);
            throw;
        }

        Log.RolledBack(logger, manifest.Uuid!, name, savedAs);
        Publish(Events.EventTypes.Snapshot, manifest, new Dictionary<string, object?> { ["action"] = "rolled_back", ["name"] = name, ["saved_as"] = savedAs });
        if (running)
        {
            manifest = await StartLockedAsync(manifest, ct).ConfigureAwait(false);
        }

        return new RollbackResult { Manifest = manifest, Restarted = running, SavedAs = savedAs };
    }

    public async Task DeleteSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        ValidateSnapshotName(name);
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.DeleteSnapshot, null, new Store.IntentDetail { Snapshot = name }, async _ =>
            {
                await pools.Get(manifest.Zpool).DeleteSnapshotAsync(InstanceDataset(manifest.Uuid!), name, ct).ConfigureAwait(false);
                Log.SnapshotDeleted(logger, manifest.Uuid!, name);
                Publish(Events.EventTypes.Snapshot, manifest, new Dictionary<string, object?> { ["action"] = "deleted", ["name"] = name });
                return 0;
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Throws InvalidArgument naming <c>name</c> unless it is a snapshot name the drivers accept.</summary>
    public static void ValidateSnapshotName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw BerthException.Invalid("name", "give the snapshot's name");
        }

        if (!SnapshotNamePattern().IsMatch(name))
        {
            throw BerthException.Invalid("name",
                $"\"{name}\" is not a snapshot name: 1-64 of A-Z a-z 0-9 _ . : -, starting with a letter or digit");
        }
    }

    /// <summary>Snapshots the dataset; a running container's cgroup is frozen around it so the snapshot is consistent.</summary>
    private async Task SnapshotConsistentAsync(Manifest manifest, IStorageDriver pool, string dataset, string name, CancellationToken ct)
    {
        if (StateOf(manifest) != InstanceState.Running)
        {
            await pool.CreateSnapshotAsync(dataset, name, ct).ConfigureAwait(false);
            return;
        }

        var freezer = new CgroupFreezer(new InstanceCgroup(containers.CgroupsPath(manifest.Uuid!)));
        await freezer.FreezeAsync(s_freezeTimeout, ct).ConfigureAwait(false);
        try
        {
            // Not cancellable: a snapshot half taken while frozen is worse than one finished.
            await pool.CreateSnapshotAsync(dataset, name, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            freezer.Thaw();
        }
    }

    private async Task RestartAfterFailedRollbackAsync(Manifest manifest, Exception cause)
    {
        try
        {
            await StartLockedAsync(manifest, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.RestartAfterRollbackFailed(logger, manifest.Uuid!, cause.Message, e);
        }
    }

    private static async Task<Snapshot> FindSnapshotAsync(IStorageDriver pool, string dataset, string name, Manifest manifest, CancellationToken ct)
    {
        IReadOnlyList<SnapshotInfo> all = await pool.ListSnapshotsAsync(dataset, ct).ConfigureAwait(false);
        SnapshotInfo info = all.FirstOrDefault(s => s.Name == name)
            ?? throw new BerthException(ErrorKind.Internal, $"snapshot \"{name}\" of {Name(manifest)} was taken but the pool does not list it");
        return ToWire(info);
    }

    /// <summary><c>rollback-20250102T030405.678Z</c>, with a counter when that is taken already.</summary>
    private static string AutomaticSnapshotName(IReadOnlyList<SnapshotInfo> existing)
    {
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss.fff'Z'", CultureInfo.InvariantCulture);
        string name = RollbackSnapshotPrefix + stamp;
        for (int i = 2; existing.Any(s => s.Name == name); i++)
        {
            name = $"{RollbackSnapshotPrefix}{stamp}-{i}";
        }

        return name;
    }

    private static Snapshot ToWire(SnapshotInfo s) =>
        new() { Name = s.Name, CreatedAt = s.CreatedAt, ExclusiveBytes = s.ExclusiveBytes };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SnapshotNamePattern();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Took snapshot {Name} of instance {Uuid}")]
        public static partial void SnapshotTaken(ILogger logger, string uuid, string name);

        [LoggerMessage(Level = LogLevel.Information, Message = "Rolled instance {Uuid} back to snapshot {Name}; the state before is snapshot {SavedAs}")]
        public static partial void RolledBack(ILogger logger, string uuid, string name, string savedAs);

        [LoggerMessage(Level = LogLevel.Information, Message = "Deleted snapshot {Name} of instance {Uuid}")]
        public static partial void SnapshotDeleted(ILogger logger, string uuid, string name);

        [LoggerMessage(Level = LogLevel.Error, Message = "Rollback of instance {Uuid} failed ({Cause}) and starting it again failed too")]
        public static partial void RestartAfterRollbackFailed(ILogger logger, string uuid, string cause, Exception exception);
    }
}
