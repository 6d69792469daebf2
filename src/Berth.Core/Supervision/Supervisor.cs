using System.Collections.Concurrent;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Events;
using Berth.Core.Instances;
using Berth.Core.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Supervision;

/// <summary>
/// The restarter of instances, in the manner of SMF: starts autoboot instances after a host boot in dependency order,
/// restarts crashed ones by their <c>restart</c> property, and explains every service's state (<c>berth svcs</c>).
/// </summary>
/// <remarks>It reacts to the <see cref="EventBus"/>: a crash event carrying <c>restart_in_ms</c> schedules a restart.</remarks>
public sealed partial class Supervisor(
    InstanceService instances,
    IStateStore store,
    EventBus events,
    ExitHistory exits,
    HealthChecker health,
    DaemonComponents components,
    ILogger<Supervisor> logger) : IAsyncDisposable
{
    /// <summary>How often a pending start looks at its dependencies again.</summary>
    public static readonly TimeSpan DependencyPoll = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, PendingStart> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _startFailures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>A start the supervisor will make once its delay has passed and its dependencies are met.</summary>
    private sealed class PendingStart(string why, DateTimeOffset? notBefore, int attempt)
    {
        public CancellationTokenSource Cancel { get; } = new();
        public string Why { get; } = why;
        public int Attempt { get; } = attempt;
        public DateTimeOffset? NotBefore { get; set; } = notBefore;
        public IReadOnlyList<string> WaitingFor { get; set; } = [];
        public bool Starting { get; set; }
    }

    /// <summary>Starts following events; call once, before the API serves.</summary>
    /// <remarks>From the first event kept: crashes reconciliation found (exits while berthd was down) get their restarts.</remarks>
    public void Run()
    {
        EventBus.Subscription subscription = events.Subscribe(since: 0);
        _loop = Task.Run(() => FollowAsync(subscription, _stopping.Token));
    }

    private async Task FollowAsync(EventBus.Subscription subscription, CancellationToken ct)
    {
        using (subscription)
        {
            try
            {
                await foreach (InstanceEvent e in subscription.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    try
                    {
                        OnEvent(e);
                    }
                    catch (Exception ex)
                    {
                        Log.EventFailed(logger, e.Type, e.Instance, ex);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    private void OnEvent(InstanceEvent e)
    {
        string? uuid = e.Instance;
        if (uuid is null)
        {
            return;
        }

        switch (e.Type)
        {
            case EventTypes.Started:
                exits.MarkStarted(uuid, e.Time);
                _startFailures.TryRemove(uuid, out _);
                if (_pending.TryGetValue(uuid, out PendingStart? pending) && !pending.Starting)
                {
                    CancelPending(uuid); // started by someone else meanwhile
                }

                break;
            case EventTypes.Deleted:
                CancelPending(uuid);
                exits.Forget(uuid);
                health.Forget(uuid);
                _startFailures.TryRemove(uuid, out _);
                break;
            case EventTypes.Cleared:
                CancelPending(uuid);
                break;
            case EventTypes.Crashed or EventTypes.Stopped when Detail(e, "restart_in_ms") is { ValueKind: JsonValueKind.Number } delay:
                int attempt = Detail(e, "attempt") is { ValueKind: JsonValueKind.Number } a ? a.GetInt32() : 1;
                Schedule(uuid, $"restart attempt {attempt} after exit", TimeSpan.FromMilliseconds(delay.GetInt64()), attempt);
                break;
        }
    }

    private static JsonElement? Detail(InstanceEvent e, string key) =>
        e.Details is not null && e.Details.TryGetValue(key, out JsonElement value) ? value : null;

    /// <summary>Starts the instance after <paramref name="delay"/>, once its dependencies are met; replaces a pending start.</summary>
    private void Schedule(string uuid, string why, TimeSpan delay, int attempt = 0)
    {
        var pending = new PendingStart(why, delay > TimeSpan.Zero ? DateTimeOffset.UtcNow + delay : null, attempt);
        CancelPending(uuid);
        _pending[uuid] = pending;
        _ = Task.Run(() => RunPendingAsync(uuid, pending, delay));
    }

    private void CancelPending(string uuid)
    {
        if (_pending.TryRemove(uuid, out PendingStart? old))
        {
            old.Cancel.Cancel();
        }
    }

    private async Task RunPendingAsync(string uuid, PendingStart pending, TimeSpan delay)
    {
        using IDisposable requestor = Requestor.Use(Requestor.Daemon);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(pending.Cancel.Token, _stopping.Token);
        CancellationToken ct = linked.Token;
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }

            pending.NotBefore = null;
            Manifest? manifest;
            while (true)
            {
                manifest = await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false);
                if (manifest is null || manifest.State != "stopped")
                {
                    return; // deleted, or started, cleared or put into maintenance meanwhile
                }

                pending.WaitingFor = await UnmetAsync(manifest, await store.ListInstancesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                if (pending.WaitingFor.Count == 0)
                {
                    break;
                }

                await Task.Delay(DependencyPoll, ct).ConfigureAwait(false);
            }

            pending.Starting = true;
            if (pending.Attempt > 0)
            {
                events.Publish(EventTypes.Restarted, manifest, new Dictionary<string, object?> { ["attempt"] = pending.Attempt });
            }

            await instances.StartAsync(uuid, ct).ConfigureAwait(false);
            Log.SupervisorStarted(logger, uuid, pending.Why);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _startFailures[uuid] = $"{pending.Why} failed: {e.Message}";
            Log.StartFailed(logger, uuid, pending.Why, e);
            if (pending.Attempt > 0)
            {
                await OnRestartFailedAsync(uuid, e).ConfigureAwait(false);
            }
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<string, PendingStart>(uuid, pending));
        }
    }

    // A crash-looping init can die before its start even completes: that counts as one more crash, so the loop still ends.
    private async Task OnRestartFailedAsync(string uuid, Exception cause)
    {
        try
        {
            if (await store.GetInstanceAsync(uuid).ConfigureAwait(false) is not { State: "stopped" } manifest)
            {
                return;
            }

            // Keep the console lines of the last real exit: they say more than the failed start does.
            List<string> lines = [.. exits.Get(uuid)?.LastLogLines ?? [], $"(berthd: the restart failed: {cause.Message})"];
            switch (exits.RecordUnrequestedExit(manifest, manifest.ExitStatus, lines, DateTimeOffset.UtcNow))
            {
                case ExitVerdict.Maintenance m:
                    await instances.EnterMaintenanceAsync(uuid, m.Reason).ConfigureAwait(false);
                    break;
                case ExitVerdict.Restart r:
                    Schedule(uuid, $"restart attempt {r.Attempt} after a failed start", r.Delay, r.Attempt);
                    break;
            }
        }
        catch (Exception e)
        {
            Log.EventFailed(logger, "restart", uuid, e);
        }
    }

    /// <summary>What keeps <paramref name="manifest"/> from starting: each dependency not running or not passing its health check.</summary>
    public async Task<IReadOnlyList<string>> UnmetAsync(Manifest manifest, IReadOnlyList<Manifest> all, CancellationToken ct)
    {
        var unmet = new List<string>();
        List<DependencyNode> nodes = [.. all.Select(DependencyNode.Of)];
        foreach (string name in manifest.DependsOn ?? [])
        {
            Manifest? dep = DependencyOrder.Resolve(name, nodes) is { } node ? all.First(m => m.Uuid == node.Uuid) : null;
            if (dep is null)
            {
                unmet.Add($"instance \"{name}\" (it does not exist)");
            }
            else if (dep.State != "running")
            {
                unmet.Add($"{dep.Alias ?? dep.Uuid} to run (it is {dep.State})");
            }
            else if (dep.HealthCheck is not null && await health.CheckAsync(dep, ct).ConfigureAwait(false) is { Passing: false } result)
            {
                unmet.Add($"{dep.Alias ?? dep.Uuid} to pass its health check ({result.Detail})");
            }
        }

        return unmet;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Supervisor started instance {Uuid} ({Why})")]
        public static partial void SupervisorStarted(ILogger logger, string uuid, string why);

        [LoggerMessage(Level = LogLevel.Error, Message = "Supervisor could not start instance {Uuid} ({Why})")]
        public static partial void StartFailed(ILogger logger, string uuid, string why, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Supervisor failed handling event {Type} of {Uuid}")]
        public static partial void EventFailed(ILogger logger, string type, string? uuid, Exception exception);

        [LoggerMessage(Level = LogLevel.Information, Message = "Host booted (boot id changed): starting {Count} autoboot instances in dependency order: {Order}")]
        public static partial void Autoboot(ILogger logger, int count, string order);

        [LoggerMessage(Level = LogLevel.Error, Message = "Autoboot: {Message}; the instances of the cycle stay stopped")]
        public static partial void AutobootCycle(ILogger logger, string message);
    }
}
