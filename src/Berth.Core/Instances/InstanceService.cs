using System.Collections.Concurrent;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Images;
using Berth.Core.Instances.Containers;
using Berth.Core.Networking;
using Berth.Core.Storage;
using Berth.Core.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

/// <summary>The lifecycle of instances: every verb of the API, each a sequence of steps with undo.</summary>
public sealed partial class InstanceService(
    IStateStore store,
    PoolRegistry pools,
    ImageService images,
    NetworkService networks,
    ContainerDriver containers,
    Vms.VmDriver vms,
    NicPlumber plumber,
    PidWatcher watcher,
    Metadata.MetadataServer metadata,
    ICreateObserver observer,
    Events.EventBus events,
    Supervision.ExitHistory exits,
    IInstanceChangeHook changes,
    ILogger<InstanceService> logger)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();
    private readonly ConcurrentDictionary<string, IDisposable> _watches = new();
    private readonly NicAddressing _addressing = new(store, networks);

    public async Task<IReadOnlyList<Manifest>> ListAsync(IReadOnlyDictionary<string, string>? filters = null, CancellationToken ct = default)
    {
        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        return filters is null or { Count: 0 } ? all : [.. all.Where(m => ManifestFilter.Matches(m, filters))];
    }

    /// <summary>The manifest with its disk usage filled in (read now, not stored).</summary>
    public async Task<Manifest> GetAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        if (!pools.TryGet(manifest.Zpool, out Storage.IStorageDriver? pool) || !pool.Exists(InstanceDataset(manifest.Uuid!)))
        {
            return manifest;
        }

        (long? used, long? available) = await QuotaUsageAsync(pool, InstanceDataset(manifest.Uuid!), ct).ConfigureAwait(false);
        return manifest with { QuotaUsedBytes = used, QuotaAvailableBytes = available };
    }

    /// <summary>Finds an instance by UUID, unique UUID prefix or unique alias.</summary>
    public async Task<Manifest> ResolveAsync(string id, CancellationToken ct = default)
    {
        if (Guid.TryParseExact(id, "D", out _) && await store.GetInstanceAsync(id, ct).ConfigureAwait(false) is { } exact)
        {
            return exact;
        }

        IReadOnlyList<Manifest> all = await store.ListInstancesAsync(ct).ConfigureAwait(false);
        Manifest? byAlias = all.SingleOrDefault(m => m.Alias == id);
        if (byAlias is not null)
        {
            return byAlias;
        }

        List<Manifest> byPrefix = [.. all.Where(m => id.Length > 0 && m.Uuid!.StartsWith(id, StringComparison.OrdinalIgnoreCase))];
        return byPrefix.Count switch
        {
            1 => byPrefix[0],
            0 => throw BerthException.NotFound($"instance \"{id}\" not found"),
            _ => throw new BerthException(ErrorKind.InvalidArgument,
                $"\"{id}\" names {byPrefix.Count} instances ({string.Join(", ", byPrefix.Select(m => m.Uuid))}): give more of the UUID"),
        };
    }

    /// <summary>Validates a manifest as create would, without creating anything.</summary>
    public async Task<Manifest> ValidateAsync(System.Text.Json.JsonElement body, CancellationToken ct = default)
    {
        Manifest manifest = Manifests.ManifestValidator.Validate(body);
        await PlanAsync(manifest, ct).ConfigureAwait(false);
        return manifest;
    }

    private async Task<T> WithLockAsync<T>(string uuid, Func<Task<T>> action, CancellationToken ct)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(uuid, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Runs a multi-step change with a reverter: a failure that is not already a BerthException is wrapped with
    /// <paramref name="what"/>, the undo steps run (unless the change called Success) and their failures are logged.
    /// </summary>
    private async Task<T> WithUndoAsync<T>(string uuid, string what, Func<Reverter, Task<T>> change)
    {
        var reverter = new Reverter();
        try
        {
            return await change(reverter).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not BerthException)
        {
            throw new BerthException(ErrorKind.Internal, $"{what}: {e.Message}", e);
        }
        finally
        {
            await reverter.DisposeAsync().ConfigureAwait(false);
            foreach (Exception undo in reverter.UndoFailures)
            {
                Log.UndoFailed(logger, uuid, undo);
            }
        }
    }

    private Task<Manifest> SaveAsync(Manifest manifest, InstanceState state, int? pid, CancellationToken ct = default) =>
        SaveAsync(manifest with { State = state.ToWire(), Pid = pid, LastModified = DateTimeOffset.UtcNow }, ct);

    private async Task<Manifest> SaveAsync(Manifest manifest, CancellationToken ct = default)
    {
        await store.UpdateInstanceAsync(manifest, ct).ConfigureAwait(false);
        return manifest;
    }

    private static InstanceState StateOf(Manifest m) => InstanceStateNames.Parse(m.State!);

    private static string Name(Manifest m) => m.Alias is null ? m.Uuid! : $"{m.Alias} ({m.Uuid})";

    internal static string InstanceDataset(string uuid) => $"instances/{uuid}";
}
