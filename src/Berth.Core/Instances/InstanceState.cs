namespace Berth.Core.Instances;

/// <summary>The lifecycle state of an instance; on the wire (manifest <c>state</c>) as the lowercase name.</summary>
public enum InstanceState
{
    Provisioning,
    Stopped,
    Running,
    Stopping,
    Failed,
    /// <summary>Crash-looping; left only by <c>svcadm clear</c> (<see cref="InstanceVerb.Clear"/>).</summary>
    Maintenance,
    Deleted,
}

/// <summary>What a user or berthd asks of an instance; <see cref="Lifecycle"/> says in which states each is legal.</summary>
public enum InstanceVerb
{
    Create,
    Start,
    Stop,
    Reboot,
    Update,
    Delete,
    Exec,
    Console,
    Snapshot,
    /// <summary>svcadm clear: take an instance out of maintenance or failed.</summary>
    Clear,
}

public static class InstanceStateNames
{
    public static string ToWire(this InstanceState state) => state switch
    {
        InstanceState.Provisioning => "provisioning",
        InstanceState.Stopped => "stopped",
        InstanceState.Running => "running",
        InstanceState.Stopping => "stopping",
        InstanceState.Failed => "failed",
        InstanceState.Maintenance => "maintenance",
        InstanceState.Deleted => "deleted",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static bool TryParse(string? wire, out InstanceState state)
    {
        foreach (InstanceState candidate in Enum.GetValues<InstanceState>())
        {
            if (candidate.ToWire() == wire)
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    public static InstanceState Parse(string wire) =>
        TryParse(wire, out InstanceState state) ? state : throw new FormatException($"\"{wire}\" is not an instance state");

    public static string ToVerbText(this InstanceVerb verb) => verb.ToString().ToLowerInvariant();
}
