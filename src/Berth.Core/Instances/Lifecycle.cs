using Berth.Api.Contracts;
using S = Berth.Core.Instances.InstanceState;
using V = Berth.Core.Instances.InstanceVerb;

namespace Berth.Core.Instances;

/// <summary>One rule of the lifecycle table.</summary>
/// <param name="LegalIn">states in which the verb may start</param>
/// <param name="During">the state the instance is in while the verb runs, or null when it keeps its state</param>
/// <param name="After">the state the verb leaves on success, or null when it keeps the state it had</param>
public sealed record VerbRule(InstanceVerb Verb, IReadOnlySet<InstanceState> LegalIn, InstanceState? During, InstanceState? After);

/// <summary>The one table deciding which verb is legal in which state, and which state changes berthd may record.</summary>
/// <remarks>An illegal verb is refused before anything is changed (409, naming the state).</remarks>
public static class Lifecycle
{
    public static IReadOnlyList<VerbRule> Verbs { get; } =
    [
        // Create makes a new instance: an existing uuid or alias in any state conflicts.
        Rule(V.Create, [], during: S.Provisioning, after: null),
        Rule(V.Start, [S.Stopped, S.Failed], during: null, after: S.Running),
        // Stop again while stopping is how `stop -F` kills an init that takes too long.
        Rule(V.Stop, [S.Running, S.Stopping, S.Failed], during: S.Stopping, after: S.Stopped),
        Rule(V.Reboot, [S.Running], during: null, after: S.Running),
        // Update of a crash-looping instance (more memory) is how an admin fixes it before clearing.
        Rule(V.Update, [S.Stopped, S.Running, S.Failed, S.Maintenance], during: null, after: null),
        // Delete stops a running instance first, as vmadm does.
        Rule(V.Delete, [S.Stopped, S.Running, S.Stopping, S.Failed, S.Maintenance], during: null, after: S.Deleted),
        Rule(V.Exec, [S.Running], during: null, after: null),
        Rule(V.Console, [S.Running], during: null, after: null),
        Rule(V.Snapshot, [S.Stopped, S.Running], during: null, after: null),
        Rule(V.Clear, [S.Maintenance, S.Failed], during: null, after: S.Stopped),
    ];

    /// <summary>State changes berthd may record (from a verb, the monitor or reconciliation); any state may become failed or deleted.</summary>
    public static IReadOnlyDictionary<InstanceState, IReadOnlySet<InstanceState>> Transitions { get; } =
        new Dictionary<InstanceState, IReadOnlySet<InstanceState>>
        {
            [S.Provisioning] = new HashSet<S> { S.Stopped, S.Running, S.Failed, S.Deleted },
            // Stopped -> maintenance: a restart that could not even start the instance counts as one more crash.
            [S.Stopped] = new HashSet<S> { S.Running, S.Failed, S.Maintenance, S.Deleted },
            [S.Running] = new HashSet<S> { S.Stopping, S.Stopped, S.Running, S.Failed, S.Maintenance, S.Deleted },
            [S.Stopping] = new HashSet<S> { S.Stopping, S.Stopped, S.Failed, S.Deleted },
            [S.Failed] = new HashSet<S> { S.Running, S.Stopping, S.Stopped, S.Failed, S.Deleted },
            [S.Maintenance] = new HashSet<S> { S.Stopped, S.Failed, S.Deleted },
            [S.Deleted] = new HashSet<S>(),
        };

    public static VerbRule RuleFor(InstanceVerb verb) => Verbs.Single(r => r.Verb == verb);

    public static bool IsLegal(InstanceVerb verb, InstanceState state) => RuleFor(verb).LegalIn.Contains(state);

    public static bool CanTransition(InstanceState from, InstanceState to) => Transitions[from].Contains(to);

    /// <summary>Throws Conflict (<c>cannot start web01: it is running</c>) unless <paramref name="verb"/> is legal in <paramref name="state"/>.</summary>
    /// <param name="name">how the user knows the instance: its alias, else its uuid</param>
    public static void Check(InstanceVerb verb, InstanceState state, string name)
    {
        if (!IsLegal(verb, state))
        {
            throw new BerthException(ErrorKind.Conflict, $"cannot {verb.ToVerbText()} {name}: {Describe(verb, state)}");
        }
    }

    /// <summary>As <see cref="Check(InstanceVerb, InstanceState, string)"/> for a stored manifest (alias, else uuid; its state).</summary>
    public static void Check(InstanceVerb verb, Manifest manifest)
    {
        string name = manifest.Alias ?? manifest.Uuid ?? "instance";
        if (!InstanceStateNames.TryParse(manifest.State, out InstanceState state))
        {
            throw new BerthException(ErrorKind.Internal, $"cannot {verb.ToVerbText()} {name}: its recorded state \"{manifest.State}\" is unknown");
        }

        Check(verb, state, name);
    }

    private static string Describe(InstanceVerb verb, InstanceState state) => state switch
    {
        _ when verb == V.Create => $"it already exists and is {state.ToWire()}",
        S.Provisioning => "it is still provisioning",
        S.Failed => "it has failed (clear it or start it again)",
        S.Maintenance => "it is in maintenance after crash loops (clear it first: svcadm clear)",
        S.Deleted => "it is deleted",
        _ => $"it is {state.ToWire()}",
    };

    private static VerbRule Rule(InstanceVerb verb, HashSet<InstanceState> legalIn, InstanceState? during, InstanceState? after) =>
        new(verb, legalIn, during, after);
}
