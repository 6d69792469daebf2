using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    public const int DefaultStopTimeoutSeconds = 60;

    public async Task<Manifest> StartAsync(string id, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Start, StateOf(manifest), Name(manifest));
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Start, null, null, _ => StartLockedAsync(manifest, ct), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private async Task<Manifest> StartLockedAsync(Manifest manifest, CancellationToken ct)
    {
        if (manifest.Nics is { Count: > 0 })
        {
            // Idempotent for addresses it holds; a received instance claims its addresses here, on the host it runs on.
            manifest = manifest with { Nics = await _addressing.ClaimAsync(manifest.Uuid!, manifest.Nics, ct).ConfigureAwait(false) };
        }

        Plan plan = await PlanAsync(manifest, ct).ConfigureAwait(false);
        await using var reverter = new Reverter();
        await containers.DeleteAsync(manifest.Uuid!).ConfigureAwait(false); // a leftover of an exit seen while berthd was down
        int pid = await BootAsync(manifest, plan, reverter, new StepTimer(), ct).ConfigureAwait(false);
        manifest = await SaveAsync(WithAccel(manifest with { ExitStatus = null }, plan), InstanceState.Running, pid, ct).ConfigureAwait(false);
        Watch(manifest);
        reverter.Success();
        Log.Started(logger, manifest.Uuid!, pid);
        await LaunchUserScriptOnceAsync(manifest, ct).ConfigureAwait(false);
        Publish(Events.EventTypes.Started, manifest, new Dictionary<string, object?> { ["pid"] = pid });
        return manifest;
    }

    /// <summary>Asks init to end the way it expects, then kills it after the timeout (at once with force).</summary>
    public async Task<Manifest> StopAsync(string id, bool force, int? timeoutSeconds, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Stop, StateOf(manifest), Name(manifest));
            int defaultTimeout = Vms.VmDriver.IsVm(manifest) ? DefaultVmStopTimeoutSeconds : DefaultStopTimeoutSeconds;
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Stop, null, null,
                _ => StopLockedAsync(manifest, force, timeoutSeconds ?? defaultTimeout, ct), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    public async Task<Manifest> RebootAsync(string id, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Reboot, StateOf(manifest), Name(manifest));
            return await JournaledAsync(manifest.Uuid!, Store.IntentVerbs.Reboot, null, null, async _ =>
            {
                manifest = await StopLockedAsync(manifest, force: false, DefaultStopTimeoutSeconds, ct).ConfigureAwait(false);
                return await StartLockedAsync(manifest, ct).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private async Task<Manifest> StopLockedAsync(Manifest manifest, bool force, int timeoutSeconds, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        Unwatch(uuid);
        manifest = await SaveAsync(manifest, InstanceState.Stopping, manifest.Pid, ct).ConfigureAwait(false);
        if (Vms.VmDriver.IsVm(manifest))
        {
            return await StopVmLockedAsync(manifest, force, timeoutSeconds, ct).ConfigureAwait(false);
        }

        ImageManifest? image = await store.GetImageAsync(manifest.ImageUuid!, ct).ConfigureAwait(false)
            ?? await ReceivedImageAsync(uuid, ct).ConfigureAwait(false);
        string signal = force ? "SIGKILL" : image?.BerthStopSignal ?? "SIGTERM";

        await KillQuietlyAsync(uuid, signal).ConfigureAwait(false);
        if (!await WaitForExitAsync(uuid, TimeSpan.FromSeconds(force ? 5 : timeoutSeconds), ct).ConfigureAwait(false))
        {
            Log.StopTimedOut(logger, uuid, signal, timeoutSeconds);
            await KillQuietlyAsync(uuid, "SIGKILL").ConfigureAwait(false);
            await WaitForExitAsync(uuid, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }

        manifest = await CleanUpAfterExitAsync(manifest, ct).ConfigureAwait(false);
        Publish(Events.EventTypes.Stopped, manifest, new Dictionary<string, object?> { ["exit_status"] = manifest.ExitStatus, ["requested"] = true, ["force"] = force });
        return manifest;
    }

    private async Task KillQuietlyAsync(string uuid, string signal)
    {
        try
        {
            await containers.KillAsync(uuid, signal).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The container may have exited between the check and the kill.
            Log.KillFailed(logger, uuid, signal, e.Message);
        }
    }

    private async Task<bool> WaitForExitAsync(string uuid, TimeSpan timeout, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        int delayMs = 5; // a killed init is gone within milliseconds; a graceful stop takes longer
        do
        {
            ContainerStatus? status = await containers.GetStatusAsync(uuid).ConfigureAwait(false);
            if (status is null or { Status: "stopped" })
            {
                return true;
            }

            await Task.Delay(delayMs, ct).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 50);
        }
        while (DateTime.UtcNow < deadline);
        return false;
    }

    /// <summary>Releases what a stopped container held (crun state, host veths) and records it as stopped.</summary>
    private async Task<Manifest> CleanUpAfterExitAsync(Manifest manifest, CancellationToken ct, InstanceState after = InstanceState.Stopped)
    {
        string uuid = manifest.Uuid!;
        if (Vms.VmDriver.IsVm(manifest))
        {
            return await CleanUpVmAfterExitAsync(manifest, ct).ConfigureAwait(false);
        }

        int? exit = containers.ReadExitStatus(uuid);
        await containers.DeleteAsync(uuid).ConfigureAwait(false);
        await plumber.DetachAsync(uuid, NicPlanner.Indexes(manifest)).ConfigureAwait(false);
        metadata.Stop(uuid);
        manifest = await SaveAsync(manifest with { ExitStatus = exit ?? manifest.ExitStatus }, after, null, ct).ConfigureAwait(false);
        Log.Stopped(logger, uuid, exit);
        return manifest;
    }

    /// <summary>Watches the instance's monitor so that an exit of init is recorded within a second.</summary>
    private void Watch(Manifest manifest)
    {
        string uuid = manifest.Uuid!;
        int? monitor = Vms.VmDriver.IsVm(manifest) ? vms.Pid(uuid) : containers.MonitorPid(uuid);
        if (monitor is null)
        {
            return;
        }

        IDisposable watch = watcher.Watch(monitor.Value, () => _ = OnMonitorExitAsync(uuid));
        if (_watches.TryRemove(uuid, out IDisposable? old))
        {
            old.Dispose();
        }

        _watches[uuid] = watch;
    }

    private void Unwatch(string uuid)
    {
        if (_watches.TryRemove(uuid, out IDisposable? watch))
        {
            watch.Dispose();
        }
    }

    private async Task OnMonitorExitAsync(string uuid)
    {
        try
        {
            await WithLockAsync(uuid, async () =>
            {
                _watches.TryRemove(uuid, out _);
                Manifest? manifest = await store.GetInstanceAsync(uuid).ConfigureAwait(false);
                if (manifest is null || StateOf(manifest) != InstanceState.Running)
                {
                    return 0; // a stop or delete under way handles the exit itself
                }

                await HandleUnrequestedExitAsync(manifest, CancellationToken.None).ConfigureAwait(false);
                return 0;
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ExitHandlingFailed(logger, uuid, e);
        }
    }

    private async Task<Manifest> ReloadAsync(string uuid, CancellationToken ct) =>
        await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false) ?? throw BerthException.NotFound($"instance {uuid} not found");
}
