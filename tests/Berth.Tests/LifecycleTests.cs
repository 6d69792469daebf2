using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Instances;
using S = Berth.Core.Instances.InstanceState;
using V = Berth.Core.Instances.InstanceVerb;

namespace Berth.Tests;

public sealed class LifecycleTests
{
    // The whole table, written out again so that a change to it is a deliberate one.
    public static TheoryData<V, S[]> Expected => new()
    {
        { V.Create, [] },
        { V.Start, [S.Stopped, S.Failed] },
        { V.Stop, [S.Running, S.Stopping, S.Failed] },
        { V.Reboot, [S.Running] },
        { V.Update, [S.Stopped, S.Running, S.Failed, S.Maintenance] },
        { V.Delete, [S.Stopped, S.Running, S.Stopping, S.Failed, S.Maintenance] },
        { V.Exec, [S.Running] },
        { V.Console, [S.Running] },
        { V.Snapshot, [S.Stopped, S.Running] },
        { V.Clear, [S.Maintenance, S.Failed] },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void VerbIsLegalInExactlyItsStates(V verb, S[] legal)
    {
        foreach (S state in Enum.GetValues<S>())
        {
            Assert.True(Lifecycle.IsLegal(verb, state) == legal.Contains(state), $"{verb} in {state}");
            if (legal.Contains(state))
            {
                Lifecycle.Check(verb, state, "web01");
            }
            else
            {
                BerthException e = Assert.Throws<BerthException>(() => Lifecycle.Check(verb, state, "web01"));
                Assert.Equal(ErrorKind.Conflict, e.Kind);
                Assert.StartsWith($"cannot {verb.ToString().ToLowerInvariant()} web01: ", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void EveryVerbHasOneRule()
    {
        Assert.Equal(Enum.GetValues<V>().Order(), Lifecycle.Verbs.Select(r => r.Verb).Order());
    }

    [Theory]
    [InlineData(V.Start, S.Running, "cannot start web01: it is running")]
    [InlineData(V.Exec, S.Stopped, "cannot exec web01: it is stopped")]
    [InlineData(V.Reboot, S.Provisioning, "cannot reboot web01: it is still provisioning")]
    [InlineData(V.Start, S.Maintenance, "cannot start web01: it is in maintenance after crash loops (clear it first: svcadm clear)")]
    [InlineData(V.Console, S.Deleted, "cannot console web01: it is deleted")]
    [InlineData(V.Create, S.Stopped, "cannot create web01: it already exists and is stopped")]
    public void RefusalNamesTheState(V verb, S state, string message)
    {
        BerthException e = Assert.Throws<BerthException>(() => Lifecycle.Check(verb, state, "web01"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void CheckOfAManifestNamesAliasElseUuid()
    {
        var withAlias = new Manifest { Uuid = "a1b2c3d4-0000-4000-8000-00000000000a", Alias = "db", State = "running" };
        var withoutAlias = withAlias with { Alias = null, State = "stopped" };

        Assert.Equal("cannot start db: it is running", Assert.Throws<BerthException>(() => Lifecycle.Check(V.Start, withAlias)).Message);
        Assert.Equal(
            "cannot stop a1b2c3d4-0000-4000-8000-00000000000a: it is stopped",
            Assert.Throws<BerthException>(() => Lifecycle.Check(V.Stop, withoutAlias)).Message);
        Lifecycle.Check(V.Stop, withAlias);
    }

    [Fact]
    public void VerbResultsAreReachableTransitions()
    {
        foreach (VerbRule rule in Lifecycle.Verbs)
        {
            foreach (S from in rule.LegalIn)
            {
                if (rule.During is { } during)
                {
                    Assert.True(Lifecycle.CanTransition(from, during), $"{rule.Verb}: {from} -> {during}");
                }

                if (rule.After is { } after)
                {
                    Assert.True(Lifecycle.CanTransition(rule.During ?? from, after), $"{rule.Verb}: {rule.During ?? from} -> {after}");
                }
            }
        }
    }

    [Fact]
    public void AnyLiveStateMayFailOrBeDeletedAndDeletedIsFinal()
    {
        foreach (S state in Enum.GetValues<S>().Where(s => s != S.Deleted))
        {
            Assert.True(Lifecycle.CanTransition(state, S.Failed), $"{state} -> failed");
            Assert.True(Lifecycle.CanTransition(state, S.Deleted), $"{state} -> deleted");
        }

        Assert.Empty(Lifecycle.Transitions[S.Deleted]);
        Assert.False(Lifecycle.CanTransition(S.Maintenance, S.Running)); // only clear leaves maintenance
        Assert.True(Lifecycle.CanTransition(S.Provisioning, S.Stopped));
        Assert.True(Lifecycle.CanTransition(S.Running, S.Stopping));
    }

    [Fact]
    public void WireNamesAreLowercaseAndRoundTrip()
    {
        foreach (S state in Enum.GetValues<S>())
        {
            string wire = state.ToWire();
            Assert.Equal(state.ToString().ToLowerInvariant(), wire);
            Assert.Equal(state, InstanceStateNames.Parse(wire));
        }

        Assert.False(InstanceStateNames.TryParse("Running", out _));
    }
}
