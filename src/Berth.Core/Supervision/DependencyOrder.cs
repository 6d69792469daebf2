using Berth.Api.Contracts;

namespace Berth.Core.Supervision;

/// <summary>An instance as the dependency graph sees it.</summary>
public sealed record DependencyNode(string Uuid, string? Alias, IReadOnlyList<string> DependsOn)
{
    public string Name => Alias ?? Uuid;

    public static DependencyNode Of(Manifest m) => new(m.Uuid!, m.Alias, m.DependsOn ?? []);
}

/// <summary>Orders instances so that each starts after what it depends on; a cycle is an error that names it.</summary>
public static class DependencyOrder
{
    /// <summary>The node a <c>depends_on</c> entry names: exact UUID or exact alias; null when none.</summary>
    public static DependencyNode? Resolve(string name, IEnumerable<DependencyNode> nodes) =>
        nodes.FirstOrDefault(n => string.Equals(n.Uuid, name, StringComparison.OrdinalIgnoreCase))
        ?? nodes.FirstOrDefault(n => n.Alias == name);

    /// <summary>UUIDs in start order, dependencies first (ties keep the given order); unknown names are ignored here.</summary>
    /// <exception cref="BerthException">InvalidArgument naming the cycle (<c>a -> b -> a</c>).</exception>
    public static IReadOnlyList<string> Sort(IReadOnlyList<DependencyNode> nodes)
    {
        if (FindCycle(nodes) is { } cycle)
        {
            throw CycleError(cycle);
        }

        var order = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (DependencyNode node in nodes)
        {
            Visit(node, nodes, done, order);
        }

        return order;
    }

    /// <summary>The names along a cycle, first repeated at the end, or null when the graph has none.</summary>
    public static IReadOnlyList<string>? FindCycle(IReadOnlyList<DependencyNode> nodes)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path; true: finished
        var path = new List<DependencyNode>();
        foreach (DependencyNode node in nodes)
        {
            if (FindCycleFrom(node, nodes, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        return null;
    }

    /// <summary>
    /// Checks a manifest's depends_on against the other instances: each entry names one, not itself, and no cycle forms.
    /// </summary>
    /// <exception cref="BerthException">InvalidArgument with the offending entry's path.</exception>
    public static void Check(Manifest manifest, IReadOnlyList<Manifest> others)
    {
        if (manifest.DependsOn is not { Count: > 0 } deps)
        {
            return;
        }

        // The manifest first, so that a cycle is named from it.
        List<DependencyNode> nodes = [DependencyNode.Of(manifest), .. others.Where(m => m.Uuid != manifest.Uuid).Select(DependencyNode.Of)];
        for (int i = 0; i < deps.Count; i++)
        {
            string path = $"depends_on[{i}]";
            if (deps[i] == manifest.Uuid || (manifest.Alias is not null && deps[i] == manifest.Alias))
            {
                throw BerthException.Invalid(path, $"\"{deps[i]}\" is this instance itself");
            }

            if (Resolve(deps[i], nodes) is null)
            {
                throw BerthException.Invalid(path, $"no instance \"{deps[i]}\" (give its UUID or alias)");
            }
        }

        if (FindCycle(nodes) is { } cycle)
        {
            throw CycleError(cycle);
        }
    }

    private static BerthException CycleError(IReadOnlyList<string> cycle) =>
        BerthException.Invalid("depends_on", $"dependency cycle: {string.Join(" -> ", cycle)}");

    private static void Visit(DependencyNode node, IReadOnlyList<DependencyNode> nodes, HashSet<string> done, List<string> order)
    {
        if (!done.Add(node.Uuid))
        {
            return;
        }

        foreach (string dep in node.DependsOn)
        {
            if (Resolve(dep, nodes) is { } target)
            {
                Visit(target, nodes, done, order);
            }
        }

        order.Add(node.Uuid);
    }

    private static List<string>? FindCycleFrom(DependencyNode node, IReadOnlyList<DependencyNode> nodes, Dictionary<string, bool> state, List<DependencyNode> path)
    {
        if (state.TryGetValue(node.Uuid, out bool finished))
        {
            if (finished)
            {
                return null;
            }

            int start = path.FindIndex(n => n.Uuid == node.Uuid);
            return [.. path.Skip(start).Select(n => n.Name), node.Name];
        }

        state[node.Uuid] = false;
        path.Add(node);
        foreach (string dep in node.DependsOn)
        {
            if (Resolve(dep, nodes) is { } target && FindCycleFrom(target, nodes, state, path) is { } cycle)
            {
                return cycle;
            }
        }

        path.RemoveAt(path.Count - 1);
        state[node.Uuid] = true;
        return null;
    }
}
