using Berth.Api.Contracts;

namespace Berth.Core.Supervision;

public sealed partial class Supervisor
{
    /// <summary>How old a health result may be before svcs checks again.</summary>
    public static readonly TimeSpan HealthMaxAge = TimeSpan.FromSeconds(5);

    private const string DaemonPrefix = "berthd/";
    private const string InstancePrefix = "vm/";

    /// <summary>Every service: berthd's own parts first, then each instance.</summary>
    public async Task<IReadOnlyList<ServiceStatus>> StatusAsync(CancellationToken ct = default)
    {
        var result = components.All.Select(ComponentStatus).ToList();
        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        foreach (Manifest manifest in all)
        {
            result.Add(await InstanceStatusAsync(manifest, all, ct).ConfigureAwait(false));
        }

        return result;
    }

    /// <summary>One service: <c>berthd/NAME</c> (or just NAME of a component), else an instance by UUID, prefix or alias (<c>vm/</c> optional).</summary>
    public async Task<ServiceStatus> StatusAsync(string id, CancellationToken ct = default)
    {
        string name = id.StartsWith(DaemonPrefix, StringComparison.Ordinal) ? id[DaemonPrefix.Length..] : id;
        if (components.Get(name) is { } component)
        {
            return ComponentStatus(component);
        }

        if (id.StartsWith(DaemonPrefix, StringComparison.Ordinal))
        {
            throw BerthException.NotFound($"berthd has no component \"{name}\" ({string.Join(", ", components.All.Select(c => c.Name))})");
        }

        Manifest manifest = await instances.ResolveAsync(id.StartsWith(InstancePrefix, StringComparison.Ordinal) ? id[InstancePrefix.Length..] : id, ct)
            .ConfigureAwait(false);
        return await InstanceStatusAsync(manifest, await store.ListInstancesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
    }

    private static ServiceStatus ComponentStatus(DaemonComponent c) => new()
    {
        Fmri = DaemonPrefix + c.Name,
        Kind = "daemon",
        State = c.State,
        Since = c.Since,
        Reason = c.State == ServiceStates.Online ? null : c.Reason,
    };

    private async Task<ServiceStatus> InstanceStatusAsync(Manifest m, IReadOnlyList<Manifest> all, CancellationToken ct)
    {
        string uuid = m.Uuid!;
        ExitRecord? record = exits.Get(uuid);
        HealthResult? healthResult = m.HealthCheck is not null && m.State == "running"
            ? await health.FreshAsync(m, HealthMaxAge, ct).ConfigureAwait(false)
            : null;
        if (m.State == "stopped" && _pending.TryGetValue(uuid, out PendingStart? pending) && pending.NotBefore is null)
        {
            pending.WaitingFor = await UnmetAsync(m, all, ct).ConfigureAwait(false); // now, not as of the last poll
        }

        (string state, string? reason, List<string>? waiting) = Explain(m, record, healthResult);
        if (state == ServiceStates.Disabled && m.DependsOn is { Count: > 0 } && m.State == "stopped")
        {
            IReadOnlyList<string> unmet = await UnmetAsync(m, all, ct).ConfigureAwait(false);
            waiting = unmet.Count > 0 ? [.. unmet] : null; // what a start at boot would wait for
        }

        return new ServiceStatus
        {
            Fmri = InstancePrefix + (m.Alias ?? uuid),
            Kind = "instance",
            Uuid = uuid,
            Alias = m.Alias,
            State = state,
            Since = m.LastModified,
            Reason = reason,
            WaitingFor = waiting,
            InstanceState = m.State,
            Restart = m.Restart ?? "no",
            DependsOn = m.DependsOn,
            HealthCheck = m.HealthCheck,
            Health = m.HealthCheck is null ? null : healthResult is null ? "unknown" : healthResult.Passing ? "passing" : "failing",
            HealthDetail = healthResult is { Passing: false } ? healthResult.Detail : null,
            LastExitStatus = record?.LastExitStatus ?? m.ExitStatus,
            LastExitTime = record?.LastExitTime,
            LastLogLines = record is { LastLogLines.Count: > 0 } ? record.LastLogLines : null,
            RecentCrashes = record is null ? null : exits.Policy.CrashesInWindow(record.Crashes, DateTimeOffset.UtcNow),
        };
    }

    /// <summary>The SMF state of an instance and, when it is not online, why in words and what it waits for.</summary>
    private (string State, string? Reason, List<string>? WaitingFor) Explain(Manifest m, ExitRecord? record, HealthResult? healthResult)
    {
        string uuid = m.Uuid!;
        string exited = record?.LastExitTime is { } at
            ? $"init exited with {RestartPolicy.DescribeExit(record.LastExitStatus)} at {at:yyyy-MM-ddTHH:mm:ssZ}"
            : "init exited";
        switch (m.State)
        {
            case "running" when healthResult is { Passing: false }:
                return (ServiceStates.Degraded, $"running, but its health check fails: {healthResult.Detail}", ["its health check to pass"]);
            case "running":
                return (ServiceStates.Online, null, null);
            case "maintenance":
                return (ServiceStates.Maintenance,
                    $"{record?.MaintenanceReason ?? "in maintenance"}; clear it with `berth svcadm clear {m.Alias ?? uuid}`", null);
            case "failed":
                return (ServiceStates.Maintenance, $"failed; clear it with `berth svcadm clear {m.Alias ?? uuid}`", null);
            case "stopped" when _pending.TryGetValue(uuid, out PendingStart? pending):
                var waiting = pending.WaitingFor.ToList();
                if (pending.NotBefore is { } when)
                {
                    double ms = Math.Max(0, (when - DateTimeOffset.UtcNow).TotalMilliseconds);
                    waiting.Insert(0, $"its restart delay ({ms:0} ms left)");
                }

                string why = pending.Attempt > 0 ? $"{exited}; restarting (attempt {pending.Attempt})" : $"waiting to start ({pending.Why})";
                return (ServiceStates.Offline, why, waiting.Count > 0 ? waiting : null);
            case "stopped" when _startFailures.TryGetValue(uuid, out string? failure):
                return (ServiceStates.Offline, failure, null);
            case "stopped" when record is { ExitedUnrequested: true }:
                return (ServiceStates.Offline, $"{exited} without a stop; restart is {m.Restart ?? "no"}", null);
            case "stopped":
                return (ServiceStates.Disabled, m.Autoboot == false ? "stopped; autoboot is false" : "stopped", null);
            default:
                return (ServiceStates.Offline, $"it is {m.State}", null);
        }
    }
}
