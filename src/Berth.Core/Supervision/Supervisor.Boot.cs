using Berth.Api.Contracts;

namespace Berth.Core.Supervision;

public sealed partial class Supervisor
{
    /// <summary>
    /// Called once after reconciliation: follows events from now on and, when the host booted since berthd last ran
    /// (the boot id changed), starts the autoboot instances, each once what it depends on runs and answers its health check.
    /// A daemon restart alone starts nothing.
    /// </summary>
    public async Task BootAsync(bool hostBooted, CancellationToken ct = default)
    {
        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        exits.Prune(all.Select(m => m.Uuid!).ToHashSet(StringComparer.Ordinal));
        Run();
        components.Set(DaemonComponents.Supervisor, ServiceStates.Online);
        if (!hostBooted)
        {
            return;
        }

        IReadOnlyList<string> order = StartOrder(all);
        List<Manifest> autoboot = [.. order.Select(u => all.First(m => m.Uuid == u)).Where(m => m.Autoboot != false && m.State == "stopped")];
        Log.Autoboot(logger, autoboot.Count, string.Join(", ", autoboot.Select(m => m.Alias ?? m.Uuid)));
        foreach (Manifest manifest in autoboot)
        {
            Schedule(manifest.Uuid!, "autoboot", TimeSpan.Zero);
        }
    }

    /// <summary>All instances, dependencies first; those on a dependency cycle are left out and marked with it.</summary>
    private List<string> StartOrder(IReadOnlyList<Manifest> all)
    {
        List<DependencyNode> nodes = [.. all.Select(DependencyNode.Of)];
        while (DependencyOrder.FindCycle(nodes) is { } cycle)
        {
            string text = $"dependency cycle: {string.Join(" -> ", cycle)}";
            Log.AutobootCycle(logger, text);
            foreach (DependencyNode member in nodes.Where(n => cycle.Contains(n.Name)).ToList())
            {
                _startFailures[member.Uuid] = $"autoboot skipped: {text}";
                nodes.Remove(member);
            }
        }

        return [.. DependencyOrder.Sort(nodes)];
    }
}
