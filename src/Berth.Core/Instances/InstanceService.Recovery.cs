using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Instances.Containers;
using Berth.Core.Storage;
using Berth.Core.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

/// <summary>What each journaled verb leaves after a SIGKILL at any point, and how the next start makes it true.</summary>
public sealed partial class InstanceService
{
    private async Task RecoverIntentAsync(Intent intent, CancellationToken ct)
    {
        string uuid = intent.Instance;
        Manifest? row = await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false);
        ThawQuietly(uuid); // a snapshot or send killed while the container was frozen
        switch (intent.Verb)
        {
            case IntentVerbs.Create or IntentVerbs.Receive:
                // Not committed (the commit ends the intent): nothing of it may stay.
                await DestroyAsync(row ?? intent.Manifest!, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.Delete:
                await DestroyAsync(row ?? intent.Manifest!, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.Stop or IntentVerbs.Reboot when row is not null:
                row = await ForceStoppedAsync(row, ct).ConfigureAwait(false);
                if (intent.Verb == IntentVerbs.Reboot)
                {
                    await StartLockedAsync(row, ct).ConfigureAwait(false);
                }

                break;
            case IntentVerbs.Update when row is not null:
                await ReapplyRecordAsync(row, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.Snapshot or IntentVerbs.Send when row is not null:
                // Never answered: the snapshot goes if it was taken.
                await DeleteSnapshotIfPresentAsync(row, intent.Detail.Snapshot!, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.DeleteSnapshot when row is not null:
                await RepairDatasetAsync(row, ct).ConfigureAwait(false);
                await DeleteSnapshotIfPresentAsync(row, intent.Detail.Snapshot!, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.Rollback when row is not null:
                await FinishRollbackAsync(row, intent.Detail, ct).ConfigureAwait(false);
                break;
            case IntentVerbs.ReceiveIncremental when row is not null:
                await UndoIncrementalReceiveAsync(row, intent.Detail, ct).ConfigureAwait(false);
                break;
            default:
                // start: the record and what runs are brought together by the reconciliation that follows.
                break;
        }
    }

    /// <summary>Kills init if it still runs and records the instance stopped, with nothing of the run left.</summary>
    private async Task<Manifest> ForceStoppedAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        ContainerStatus? status = await containers.GetStatusAsync(uuid, ct).ConfigureAwait(false);
        if (status is { Status: "running" or "paused" })
        {
            await KillQuietlyAsync(uuid, "SIGKILL").ConfigureAwait(false);
            await WaitForExitAsync(uuid, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }

        return await CleanUpAfterExitAsync(manifest, ct).ConfigureAwait(false);
    }

    /// <summary>Makes the host hold what the record says: its quota, and its limits when it runs.</summary>
    private async Task ReapplyRecordAsync(Manifest row, CancellationToken ct)
    {
        if (PoolOf(row) is { } pool && (row.Quota is > 0 ? pool.Info.CanEnforceQuota : true))
        {
            await pool.SetQuotaAsync(InstanceDataset(row.Uuid!), row.Quota is > 0 ? row.Quota.Value << 30 : null, ct).ConfigureAwait(false);
        }

        ContainerStatus? status = await containers.GetStatusAsync(row.Uuid!, ct).ConfigureAwait(false);
        if (status is { Status: "running" })
        {
            await containers.UpdateResourcesAsync(row, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A rollback is finished, not undone: the dataset's interrupted swap is completed, the state before is saved if it
    /// was not yet, the content becomes the snapshot's (again: idempotent), and an instance that ran is started.
    /// </summary>
    private async Task FinishRollbackAsync(Manifest row, IntentDetail detail, CancellationToken ct)
    {
        IStorageDriver pool = PoolOf(row) ?? pools.Get(row.Zpool); // a swap cut short leaves no dataset under its name
        string dataset = InstanceDataset(row.Uuid!);
        await pool.RepairAsync(dataset, ct).ConfigureAwait(false);
        row = await ForceStoppedAsync(row, ct).ConfigureAwait(false);
        if (detail.SavedAs is { } savedAs && !await HasSnapshotAsync(pool, dataset, savedAs, ct).ConfigureAwait(false))
        {
            await pool.CreateSnapshotAsync(dataset, savedAs, ct).ConfigureAwait(false);
        }

        await pool.RollbackAsync(dataset, detail.Snapshot!, ct).ConfigureAwait(false);
        if (row.Quota is > 0)
        {
            await pool.SetQuotaAsync(dataset, row.Quota.Value << 30, ct).ConfigureAwait(false); // the record's quota, whatever the swap kept
        }

        Log.RolledBack(logger, row.Uuid!, detail.Snapshot!, detail.SavedAs ?? "");
        if (detail.WasRunning)
        {
            await StartLockedAsync(row, ct).ConfigureAwait(false);
        }
    }

    /// <summary>An incremental receive not committed: the received snapshot goes and the content before comes back.</summary>
    private async Task UndoIncrementalReceiveAsync(Manifest row, IntentDetail detail, CancellationToken ct)
    {
        IStorageDriver pool = PoolOf(row) ?? pools.Get(row.Zpool); // a swap cut short leaves no dataset under its name
        string dataset = InstanceDataset(row.Uuid!);
        await pool.RepairAsync(dataset, ct).ConfigureAwait(false);
        await DeleteSnapshotIfPresentAsync(row, detail.Snapshot!, ct).ConfigureAwait(false);
        if (detail.Before is { } before && await HasSnapshotAsync(pool, dataset, before, ct).ConfigureAwait(false))
        {
            await pool.RollbackAsync(dataset, before, ct).ConfigureAwait(false);
            await pool.DeleteSnapshotAsync(dataset, before, ct).ConfigureAwait(false);
        }
    }

    private async Task RepairDatasetAsync(Manifest row, CancellationToken ct)
    {
        foreach (IStorageDriver pool in pools.All)
        {
            await pool.RepairAsync(InstanceDataset(row.Uuid!), ct).ConfigureAwait(false);
        }
    }

    private async Task DeleteSnapshotIfPresentAsync(Manifest row, string snapshot, CancellationToken ct)
    {
        string dataset = InstanceDataset(row.Uuid!);
        if (PoolOf(row) is { } pool && await HasSnapshotAsync(pool, dataset, snapshot, ct).ConfigureAwait(false))
        {
            await pool.DeleteSnapshotAsync(dataset, snapshot, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The pool holding the instance's dataset, or null when none does.</summary>
    private IStorageDriver? PoolOf(Manifest manifest) => pools.All.FirstOrDefault(p => p.Exists(InstanceDataset(manifest.Uuid!)));

    /// <summary>Thaws the instance's cgroup if it has one that is frozen; a missing cgroup or freezer is nothing to do.</summary>
    private void ThawQuietly(string uuid)
    {
        try
        {
            var cgroup = new InstanceCgroup(containers.CgroupsPath(uuid));
            if (cgroup.ControllerDir("freezer") is { } dir && Directory.Exists(dir))
            {
                var freezer = new CgroupFreezer(cgroup);
                if (File.ReadAllText(freezer.ControlFile).Trim() is not ("THAWED" or "0"))
                {
                    freezer.Thaw();
                    Log.Thawed(logger, uuid);
                }
            }
        }
        catch (Exception e) when (e is IOException or BerthException or UnauthorizedAccessException)
        {
            Log.ThawFailed(logger, uuid, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Recovering the {Verb} of instance {Uuid} that berthd began at {Started:O} and did not finish")]
        public static partial void Recovering(ILogger logger, string verb, string uuid, DateTimeOffset started);

        [LoggerMessage(Level = LogLevel.Error, Message = "Recovering the {Verb} of instance {Uuid} failed; it stays journaled for the next start")]
        public static partial void RecoveryFailed(ILogger logger, string verb, string uuid, Exception exception);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Thawed instance {Uuid}: it was left frozen")]
        public static partial void Thawed(ILogger logger, string uuid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Thawing instance {Uuid} failed: {Message}")]
        public static partial void ThawFailed(ILogger logger, string uuid, string message);
    }
}
