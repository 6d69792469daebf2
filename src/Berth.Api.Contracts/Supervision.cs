using System.Text.Json;

namespace Berth.Api.Contracts;

/// <summary>One lifecycle event of an instance, as <c>GET /v1/events</c> streams it.</summary>
public sealed record InstanceEvent
{
    /// <summary>Increasing within one berthd run; resume a stream after it with <c>?since=ID</c>.</summary>
    public long Id { get; init; }
    public DateTimeOffset Time { get; init; }
    /// <summary>created, started, stopped, crashed, restarted, updated, deleted, snapshot, maintenance, cleared.</summary>
    public string Type { get; init; } = "";
    /// <summary>The instance's UUID.</summary>
    public string? Instance { get; init; }
    public string? Alias { get; init; }
    /// <summary>Who asked: <c>uid:0</c> over the unix socket, <c>tcp:ADDRESS</c> over TCP, <c>berthd</c> for the daemon itself.</summary>
    public string? Requestor { get; init; }
    public Dictionary<string, JsonElement>? Details { get; init; }
}

/// <summary>One supervised service as <c>berth svcs</c> shows it: an instance or one of berthd's own parts.</summary>
public sealed record ServiceStatus
{
    /// <summary><c>vm/ALIAS</c> (else <c>vm/UUID</c>) for an instance, <c>berthd/NAME</c> for a part of the daemon.</summary>
    public string Fmri { get; init; } = "";
    /// <summary>instance or daemon.</summary>
    public string Kind { get; init; } = "";
    public string? Uuid { get; init; }
    public string? Alias { get; init; }
    /// <summary>online, offline, degraded, maintenance or disabled.</summary>
    public string State { get; init; } = "";
    /// <summary>When it entered its state, where known.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Why it is not online, in one line.</summary>
    public string? Reason { get; init; }
    /// <summary>What it waits for: unmet dependencies, a failing health check, a restart delay.</summary>
    public List<string>? WaitingFor { get; init; }
    /// <summary>The instance's lifecycle state (running, stopped, maintenance...).</summary>
    public string? InstanceState { get; init; }
    public string? Restart { get; init; }
    public List<string>? DependsOn { get; init; }
    public string? HealthCheck { get; init; }
    /// <summary>passing, failing or unknown; null without a health check.</summary>
    public string? Health { get; init; }
    /// <summary>What the last failed health check said.</summary>
    public string? HealthDetail { get; init; }
    public int? LastExitStatus { get; init; }
    public DateTimeOffset? LastExitTime { get; init; }
    /// <summary>The last lines of the console log before the last exit.</summary>
    public List<string>? LastLogLines { get; init; }
    /// <summary>Unrequested exits within the crash window.</summary>
    public int? RecentCrashes { get; init; }
}
