using Berth.Api.Contracts;

namespace Berth.Core.Store;

/// <summary>
/// A mutation of an instance under way, journaled before it touches the host. A row still present at daemon start
/// names a mutation a crash interrupted; recovery finishes or undoes it (see docs/design.md, Crash safety).
/// </summary>
/// <param name="Id">the journal's own key</param>
/// <param name="Instance">the instance's UUID</param>
/// <param name="Verb">one of <see cref="IntentVerbs"/></param>
/// <param name="Manifest">the manifest the mutation works towards (create, receive) or started from, when recovery needs it</param>
/// <param name="Detail">names recovery needs: snapshots taken, whether the instance ran</param>
/// <param name="Started">when the mutation began</param>
public sealed record Intent(long Id, string Instance, string Verb, Manifest? Manifest, IntentDetail Detail, DateTimeOffset Started);

/// <summary>What recovery of an intent needs beyond the instance's record.</summary>
public sealed record IntentDetail
{
    /// <summary>The snapshot the mutation takes (snapshot, send), rolls back to (rollback) or receives (receive).</summary>
    public string? Snapshot { get; init; }

    /// <summary>The snapshot a rollback saves the state before under.</summary>
    public string? SavedAs { get; init; }

    /// <summary>The snapshot an incremental receive takes of the content before it, to put it back.</summary>
    public string? Before { get; init; }

    /// <summary>Whether the instance ran when the mutation began (a rollback starts it again).</summary>
    public bool WasRunning { get; init; }
}

/// <summary>The journaled verbs.</summary>
public static class IntentVerbs
{
    public const string Create = "create";
    public const string Delete = "delete";
    public const string Start = "start";
    public const string Stop = "stop";
    public const string Reboot = "reboot";
    public const string Update = "update";
    public const string Snapshot = "snapshot";
    public const string DeleteSnapshot = "delete-snapshot";
    public const string Rollback = "rollback";
    public const string Send = "send";
    public const string Receive = "receive";
    public const string ReceiveIncremental = "receive-incremental";
}
