using Berth.Api.Contracts;
using Berth.Core.Events;
using Berth.Core.Supervision;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>svcadm clear: takes an instance out of maintenance (or failed), forgets its crashes and starts it again.</summary>
    public async Task<Manifest> ClearAsync(string id, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest manifest = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Clear, StateOf(manifest), Name(manifest));
            exits.Clear(manifest.Uuid!);
            manifest = await SaveAsync(manifest, InstanceState.Stopped, null, ct).ConfigureAwait(false);
            Publish(EventTypes.Cleared, manifest);
            return await StartLockedAsync(manifest, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Under the instance's lock, after init exited without a stop: keeps the console's last lines and the status,
    /// releases what it held and records it stopped, or in maintenance when it crashed too often.
    /// </summary>
    private async Task HandleUnrequestedExitAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        int? exit = containers.ReadExitStatus(uuid);
        IReadOnlyList<string> tail = ConsoleTail.Read(containers.ConsoleLogPath(uuid)); // before cleanup removes the log
        ExitVerdict verdict = exits.RecordUnrequestedExit(manifest, exit, tail, DateTimeOffset.UtcNow);
        manifest = await CleanUpAfterExitAsync(manifest, ct,
            verdict is ExitVerdict.Maintenance ? InstanceState.Maintenance : InstanceState.Stopped).ConfigureAwait(false);

        var details = new Dictionary<string, object?>
        {
            ["exit_status"] = exit,
            ["requested"] = false,
            ["restart"] = manifest.Restart ?? "no",
            ["log_tail"] = tail,
        };
        if (verdict is ExitVerdict.Restart restart)
        {
            details["restart_in_ms"] = (long)restart.Delay.TotalMilliseconds;
            details["attempt"] = restart.Attempt;
        }

        Publish(exit == 0 ? EventTypes.Stopped : EventTypes.Crashed, manifest, details, Requestor.Daemon);
        if (verdict is ExitVerdict.Maintenance maintenance)
        {
            Publish(EventTypes.Maintenance, manifest, new Dictionary<string, object?> { ["reason"] = maintenance.Reason }, Requestor.Daemon);
        }
    }

    /// <summary>Puts a stopped instance into maintenance (the supervisor's restarts keep failing); false when it is not stopped.</summary>
    public async Task<bool> EnterMaintenanceAsync(string uuid, string reason, CancellationToken ct = default) =>
        await WithLockAsync(uuid, async () =>
        {
            Manifest? manifest = await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false);
            if (manifest is null || StateOf(manifest) != InstanceState.Stopped)
            {
                return false;
            }

            manifest = await SaveAsync(manifest, InstanceState.Maintenance, null, ct).ConfigureAwait(false);
            Publish(EventTypes.Maintenance, manifest, new Dictionary<string, object?> { ["reason"] = reason }, Requestor.Daemon);
            return true;
        }, ct).ConfigureAwait(false);

    private void Publish(string type, Manifest manifest, IReadOnlyDictionary<string, object?>? details = null, string? requestor = null) =>
        events.Publish(type, manifest, details, requestor);
}
