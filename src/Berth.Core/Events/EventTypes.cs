namespace Berth.Core.Events;

/// <summary>The lifecycle event types (docs/supervision.md).</summary>
public static class EventTypes
{
    public const string Created = "created";
    public const string Started = "started";
    /// <summary>Stopped on request, or init exited 0 by itself (details.requested false).</summary>
    public const string Stopped = "stopped";
    /// <summary>Init exited with a non-zero status without a stop.</summary>
    public const string Crashed = "crashed";
    /// <summary>The supervisor is starting a crashed instance again (a started event follows).</summary>
    public const string Restarted = "restarted";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    /// <summary>A snapshot was taken, rolled back to or deleted (details.action).</summary>
    public const string Snapshot = "snapshot";
    /// <summary>Too many crashes: the instance is in maintenance (details.reason).</summary>
    public const string Maintenance = "maintenance";
    /// <summary>svcadm clear took the instance out of maintenance.</summary>
    public const string Cleared = "cleared";

    public static IReadOnlyList<string> All { get; } =
        [Created, Started, Stopped, Crashed, Restarted, Updated, Deleted, Snapshot, Maintenance, Cleared];
}
