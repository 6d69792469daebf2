using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;
using Berth.Core.Storage;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>
    /// Brings records and the host into agreement at daemon start: mutations a crash interrupted are finished or undone
    /// (the intent journal), half-made instances are removed, running ones are
    /// watched again, exits that happened while berthd was down are recorded, and leftovers without a record go.
    /// Autoboot after a host boot is the supervisor's (Supervision/Supervisor.Boot.cs), in dependency order; without a
    /// host boot, an instance whose init exited while berthd was down is handled as a crash (its restart policy applies).
    /// </summary>
    public async Task ReconcileAsync(bool hostBooted = false, CancellationToken ct = default)
    {
        await RecoverIntentsAsync(ct).ConfigureAwait(false);
        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        foreach (Manifest manifest in all)
        {
            try
            {
                await WithLockAsync(manifest.Uuid!, () => ReconcileOneAsync(manifest, hostBooted, ct), ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.ReconcileFailed(logger, manifest.Uuid!, e);
            }
        }

        HashSet<string> known = [.. all.Select(m => m.Uuid!)];
        await RemoveOrphansAsync(known, ct).ConfigureAwait(false);
        await store.ReleaseOrphanAddressesAsync(ct).ConfigureAwait(false);
    }

    private async Task<int> ReconcileOneAsync(Manifest manifest, bool hostBooted, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        InstanceState state = StateOf(manifest);
        if (state == InstanceState.Provisioning)
        {
            Log.RollingBack(logger, uuid);
            await DestroyAsync(manifest, ct).ConfigureAwait(false);
            return 0;
        }

        if (Vms.VmDriver.IsVm(manifest))
        {
            return await ReconcileVmAsync(manifest, state, ct).ConfigureAwait(false);
        }

        ContainerStatus? status = await containers.GetStatusAsync(uuid).ConfigureAwait(false);
        if (status is { Status: "running" or "paused" } && state is InstanceState.Running or InstanceState.Stopping)
        {
            Manifest running = await SaveAsync(manifest, InstanceState.Running, status.Pid, ct).ConfigureAwait(false);
            Watch(running);
            // The socket of the berthd before is dead; a new one takes its place, owned by the instance's root as before.
            metadata.Serve(uuid, this, MetadataOwner(await UserNamespaceAsync(manifest, ct).ConfigureAwait(false)));
            return 0;
        }

        if (state == InstanceState.Running && !hostBooted && status is null or { Status: "stopped" })
        {
            // Init exited while berthd was down (not with the host): a crash like one seen live.
            await HandleUnrequestedExitAsync(manifest, ct).ConfigureAwait(false);
        }
        else if (state is InstanceState.Running or InstanceState.Stopping || status is not null)
        {
            // It exited while berthd was down, or a start died half way: record the exit and release what it held.
            await CleanUpAfterExitAsync(manifest, ct).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task RemoveOrphansAsync(HashSet<string> known, CancellationToken ct)
    {
        metadata.RemoveOrphans(known);
        foreach (string uuid in await containers.ListAsync().ConfigureAwait(false))
        {
            if (!known.Contains(uuid))
            {
                Log.RemovingOrphan(logger, "container", uuid);
                await containers.DeleteAsync(uuid).ConfigureAwait(false);
            }
        }

        foreach (string uuid in vms.List().Where(u => !known.Contains(u)))
        {
            Log.RemovingOrphan(logger, "vm", uuid);
            await vms.DeleteAsync(uuid).ConfigureAwait(false);
        }

        foreach (IStorageDriver pool in pools.All)
        {
            foreach (string dataset in await pool.ListAsync("instances", ct).ConfigureAwait(false))
            {
                string uuid = Path.GetFileName(dataset);
                if (!known.Contains(uuid))
                {
                    Log.RemovingOrphan(logger, "dataset", dataset);
                    await pool.DeleteAsync(dataset, ct).ConfigureAwait(false);
                }
            }
        }

        if (Directory.Exists(containers.Paths.BundlesDir))
        {
            foreach (string dir in Directory.GetDirectories(containers.Paths.BundlesDir))
            {
                if (!known.Contains(Path.GetFileName(dir)))
                {
                    Log.RemovingOrphan(logger, "bundle", dir);
                    await containers.DeleteAsync(Path.GetFileName(dir)).ConfigureAwait(false);
                }
            }
        }
    }
}
