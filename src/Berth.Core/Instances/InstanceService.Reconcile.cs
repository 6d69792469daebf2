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
    /// After a host boot, autoboot instances are started.
    /// </summary>
    public async Task ReconcileAsync(bool hostBooted, CancellationToken ct = default)
    {
        await RecoverIntentsAsync(ct).ConfigureAwait(false);
        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        foreach (Manifest manifest in all)
        {
            try
            {
                await WithLockAsync(manifest.Uuid!, () => ReconcileOneAsync(manifest, ct), ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.ReconcileFailed(logger, manifest.Uuid!, e);
            }
        }

        HashSet<string> known = [.. all.Select(m => m.Uuid!)];
        await RemoveOrphansAsync(known, ct).ConfigureAwait(false);

        if (hostBooted)
        {
            foreach (Manifest manifest in await store.ListInstancesAsync(ct).ConfigureAwait(false))
            {
                if (manifest.Autoboot != false && StateOf(manifest) == InstanceState.Stopped)
                {
                    try
                    {
                        await StartAsync(manifest.Uuid!, ct).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        Log.AutobootFailed(logger, manifest.Uuid!, e);
                    }
                }
            }
        }
    }

    private async Task<int> ReconcileOneAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        InstanceState state = StateOf(manifest);
        if (state == InstanceState.Provisioning)
        {
            Log.RollingBack(logger, uuid);
            await DestroyAsync(manifest, ct).ConfigureAwait(false);
            return 0;
        }

        ContainerStatus? status = await containers.GetStatusAsync(uuid).ConfigureAwait(false);
        if (status is { Status: "running" or "paused" } && state is InstanceState.Running or InstanceState.Stopping)
        {
            Manifest running = await SaveAsync(manifest, InstanceState.Running, status.Pid, ct).ConfigureAwait(false);
            Watch(running);
            return 0;
        }

        if (state is InstanceState.Running or InstanceState.Stopping || status is not null)
        {
            // It exited while berthd was down, or a start died half way: record the exit and release what it held.
            await CleanUpAfterExitAsync(manifest, ct).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task RemoveOrphansAsync(HashSet<string> known, CancellationToken ct)
    {
        foreach (string uuid in await containers.ListAsync().ConfigureAwait(false))
        {
            if (!known.Contains(uuid))
            {
                Log.RemovingOrphan(logger, "container", uuid);
                await containers.DeleteAsync(uuid).ConfigureAwait(false);
            }
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
