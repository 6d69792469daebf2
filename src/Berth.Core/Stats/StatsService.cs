using System.Collections.Concurrent;
using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core.Instances;
using Berth.Core.Instances.Containers;
using Berth.Core.Networking;

namespace Berth.Core.Stats;

/// <summary>
/// Reads instances' counters on demand (a request, a scrape): no timer and no background thread, so idle instances cost
/// nothing. Rates are over the time since the previous read of the same instance, or over a short wait when there is
/// none recent enough.
/// </summary>
public sealed class StatsService(InstanceService instances, ContainerDriver containers)
{
    /// <summary>How long a read waits for its second sample when no earlier one is usable.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    // A previous sample is usable for rates when it is neither too fresh (noise) nor too old (a stale average).
    private static readonly TimeSpan s_minWindow = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan s_maxAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, InstanceSample> _last = new();
    private readonly ConcurrentDictionary<string, (long Time, Dictionary<int, long> Ticks)> _lastProcesses = new();

    /// <summary>Every instance's figures with rates; waits up to <paramref name="interval"/> when it has no usable earlier sample.</summary>
    public async Task<IReadOnlyList<InstanceStats>> ListAsync(TimeSpan? interval = null, CancellationToken ct = default)
    {
        IReadOnlyList<Manifest> all = await instances.ListAsync(ct: ct).ConfigureAwait(false);
        return await StatsAsync(all, interval, ct).ConfigureAwait(false);
    }

    /// <summary>One instance's figures with rates.</summary>
    public async Task<InstanceStats> GetAsync(string id, TimeSpan? interval = null, CancellationToken ct = default)
    {
        Manifest manifest = await instances.ResolveAsync(id, ct).ConfigureAwait(false);
        return (await StatsAsync([manifest], interval, ct).ConfigureAwait(false))[0];
    }

    /// <summary>Every instance's counters now, without rates and without waiting: what a metrics scrape reads.</summary>
    public async Task<IReadOnlyList<InstanceSample>> SampleAllAsync(CancellationToken ct = default)
    {
        IReadOnlyList<Manifest> all = await instances.ListAsync(ct: ct).ConfigureAwait(false);
        IReadOnlyList<InstanceSample> samples = Sample(all);
        Forget(all);
        return samples;
    }

    /// <summary>The processes of a running instance with their CPU% over the time since the previous call (or a short wait).</summary>
    public async Task<IReadOnlyList<InstanceProcess>> ProcessesAsync(string id, TimeSpan? interval = null, CancellationToken ct = default)
    {
        Manifest manifest = await instances.ResolveAsync(id, ct).ConfigureAwait(false);
        string uuid = manifest.Uuid!;
        if (manifest.State != "running")
        {
            throw new BerthException(ErrorKind.Conflict, $"instance {manifest.Alias ?? uuid} is {manifest.State}: only a running instance has processes");
        }

        (long time, IReadOnlyList<ProcessSnapshot> now) = ReadProcesses(uuid);
        if (!_lastProcesses.TryGetValue(uuid, out var before) || !Usable(time - before.Time))
        {
            before = (time, now.ToDictionary(p => p.Pid, p => p.CpuTicks));
            await Task.Delay(interval ?? DefaultInterval, ct).ConfigureAwait(false);
            (time, now) = ReadProcesses(uuid);
        }

        _lastProcesses[uuid] = (time, now.ToDictionary(p => p.Pid, p => p.CpuTicks));
        double seconds = (time - before.Time) / (double)Stopwatch.Frequency;
        return [.. ProcessList.WithCpuPercent(now, before.Ticks, seconds)
            .OrderByDescending(p => p.CpuPercent ?? 0).ThenBy(p => p.Pid)];
    }

    private async Task<IReadOnlyList<InstanceStats>> StatsAsync(IReadOnlyList<Manifest> manifests, TimeSpan? interval, CancellationToken ct)
    {
        IReadOnlyList<InstanceSample> now = Sample(manifests);
        var before = new Dictionary<string, InstanceSample>(StringComparer.Ordinal);
        foreach (InstanceSample s in now)
        {
            if (_last.TryGetValue(s.Manifest.Uuid!, out InstanceSample? previous) && UsableFor(previous, s))
            {
                before[s.Manifest.Uuid!] = previous;
            }
        }

        if (now.Any(s => s.Cgroup is not null && !before.ContainsKey(s.Manifest.Uuid!)))
        {
            // One wait for every instance that lacks an earlier sample (the first call, or a new instance).
            await Task.Delay(interval ?? DefaultInterval, ct).ConfigureAwait(false);
            before = now.ToDictionary(s => s.Manifest.Uuid!, StringComparer.Ordinal);
            now = Sample(manifests);
        }

        foreach (InstanceSample s in now)
        {
            _last[s.Manifest.Uuid!] = s;
        }

        if (manifests.Count > 1)
        {
            Forget(manifests);
        }

        return [.. now.Select(s => s.ToStats(before.GetValueOrDefault(s.Manifest.Uuid!)))];
    }

    private IReadOnlyList<InstanceSample> Sample(IReadOnlyList<Manifest> manifests)
    {
        IReadOnlyDictionary<string, NetCounters> net = NetStats.Read();
        var samples = new List<InstanceSample>(manifests.Count);
        foreach (Manifest m in manifests)
        {
            string uuid = m.Uuid!;
            Host.Cgroups.CgroupSample? cgroup = m.State == "running" ? containers.Cgroups.Sample(containers.CgroupsPath(uuid)) : null;
            NetCounters counters = default;
            for (int i = 0; i < (m.Nics?.Count ?? 0); i++)
            {
                if (net.TryGetValue(NicPlumber.HostInterfaceName(uuid, i), out NetCounters host))
                {
                    counters += host.Swapped();
                }
            }

            samples.Add(new InstanceSample(m, Stopwatch.GetTimestamp(), DateTimeOffset.UtcNow, cgroup, counters));
        }

        return samples;
    }

    private (long Time, IReadOnlyList<ProcessSnapshot> Processes) ReadProcesses(string uuid)
    {
        long time = Stopwatch.GetTimestamp();
        IReadOnlyList<int> pids = containers.Cgroups.Processes(containers.CgroupsPath(uuid));
        return (time, [.. pids.Select(pid => ProcessList.Read(pid)).OfType<ProcessSnapshot>()]);
    }

    private static bool UsableFor(InstanceSample previous, InstanceSample now) =>
        previous.Cgroup is { } p && now.Cgroup is { } c && c.CpuNanos >= p.CpuNanos && Usable(now.Time - previous.Time);

    private static bool Usable(long elapsedTicks)
    {
        TimeSpan age = Stopwatch.GetElapsedTime(0, elapsedTicks);
        return age >= s_minWindow && age <= s_maxAge;
    }

    // Drops what is kept of instances that are gone.
    private void Forget(IReadOnlyList<Manifest> current)
    {
        var uuids = current.Select(m => m.Uuid!).ToHashSet(StringComparer.Ordinal);
        foreach (string uuid in _last.Keys.Where(u => !uuids.Contains(u)))
        {
            _last.TryRemove(uuid, out _);
        }

        foreach (string uuid in _lastProcesses.Keys.Where(u => !uuids.Contains(u)))
        {
            _lastProcesses.TryRemove(uuid, out _);
        }
    }
}
