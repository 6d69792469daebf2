using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Supervision;

namespace Berth.Tests.Supervision;

public sealed class DependencyOrderTests
{
    private static DependencyNode N(string alias, params string[] deps) => new(Guid.NewGuid().ToString("D"), alias, deps);

    private static Manifest M(string alias, params string[] deps) =>
        new() { Uuid = Guid.NewGuid().ToString("D"), Alias = alias, DependsOn = deps.Length > 0 ? [.. deps] : null };

    [Fact]
    public void DependenciesComeFirst()
    {
        DependencyNode c = N("c", "b"), b = N("b", "a"), a = N("a"), d = N("d");
        IReadOnlyList<string> order = DependencyOrder.Sort([c, d, b, a]);

        Assert.Equal([a.Uuid, b.Uuid, c.Uuid, d.Uuid], order);
    }

    [Fact]
    public void DependenciesNameByUuidOrAlias()
    {
        DependencyNode a = N("a");
        DependencyNode b = new(Guid.NewGuid().ToString("D"), null, [a.Uuid.ToUpperInvariant()]);
        DependencyNode c = N("c", b.Uuid, "a");

        Assert.Equal([a.Uuid, b.Uuid, c.Uuid], DependencyOrder.Sort([c, b, a]));
    }

    [Fact]
    public void CycleIsRejectedNamingIt()
    {
        DependencyNode a = N("a", "c"), b = N("b", "a"), c = N("c", "b"), x = N("x");

        BerthException e = Assert.Throws<BerthException>(() => DependencyOrder.Sort([x, a, b, c]));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("dependency cycle: a -> c -> b -> a", e.Message);
    }

    [Fact]
    public void CheckRejectsUnknownSelfAndCycleWithThePropertyPath()
    {
        Manifest a = M("a"), b = M("b", "a");

        BerthException unknown = Assert.Throws<BerthException>(() => DependencyOrder.Check(M("c", "a", "nope"), [a, b]));
        Assert.Contains("depends_on[1]", unknown.Message);
        Assert.Contains("no instance \"nope\"", unknown.Message);

        BerthException self = Assert.Throws<BerthException>(() => DependencyOrder.Check(M("c", "c"), [a, b]));
        Assert.Contains("itself", self.Message);

        // a updated to depend on b, which depends on a.
        BerthException cycle = Assert.Throws<BerthException>(() => DependencyOrder.Check(a with { DependsOn = ["b"] }, [a, b]));
        Assert.Contains("dependency cycle:", cycle.Message);
        Assert.Contains("a -> b -> a", cycle.Message);

        DependencyOrder.Check(M("c", "b"), [a, b]); // a chain is fine
    }
}
