using Berth.Api.Contracts;
using Berth.Core.Storage;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>Deletes an instance, stopping it first as vmadm does; nothing of it stays.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Delete, StateOf(manifest), Name(manifest));
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Delete, manifest, null, async _ =>
            {
                if (StateOf(manifest) is InstanceState.Running or InstanceState.Stopping)
                {
                    manifest = await StopLockedAsync(manifest, force: false, DefaultStopTimeoutSeconds, ct).ConfigureAwait(false);
                }

                await DestroyAsync(manifest, ct).ConfigureAwait(false);
                Publish(Events.EventTypes.Deleted, manifest);
                return 0;
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        _locks.TryRemove(found.Uuid!, out _);
    }

    /// <summary>Removes every trace of an instance: container, veths, dataset with its quota, bundle, row (row last).</summary>
    private async Task DestroyAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        Unwatch(uuid);
        await containers.DeleteAsync(uuid).ConfigureAwait(false);
        await vms.DeleteAsync(uuid).ConfigureAwait(false);
        await plumber.DetachAsync(uuid, NicPlanner.Indexes(manifest)).ConfigureAwait(false);
        await _addressing.ReleaseAsync(uuid).ConfigureAwait(false);
        metadata.Stop(uuid);
        await store.DeleteSettingAsync(UserScriptSetting(uuid), ct).ConfigureAwait(false);
        foreach (IStorageDriver pool in pools.All)
        {
            await pool.RepairAsync(InstanceDataset(uuid), ct).ConfigureAwait(false); // what a delete killed half way left
        }

        foreach (IStorageDriver pool in pools.All.Where(p => p.Exists(InstanceDataset(uuid))))
        {
            await pool.DeleteAsync(InstanceDataset(uuid), ct).ConfigureAwait(false);
        }

        await store.DeleteInstanceAsync(uuid, ct).ConfigureAwait(false);
        await changes.InstanceChangedAsync(manifest, null, ct).ConfigureAwait(false);
        Log.Deleted(logger, uuid);
    }
}
