using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    private static readonly HashSet<string> s_resourceProperties =
        ["max_physical_memory", "max_swap", "cpu_cap", "cpu_shares", "max_lwps"];

    /// <summary>Changes properties; live ones take effect at once on a running instance, the rest at its next start.</summary>
    public async Task<UpdateResult> UpdateAsync(string id, JsonElement patch, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        return await WithLockAsync(found.Uuid!, async () =>
        {
            Manifest current = await ReloadAsync(found.Uuid!, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Update, StateOf(current), Name(current));
            (JsonElement others, NicActions? nicActions) = NicActions.Split(patch);
            (Manifest updated, IReadOnlyList<string> changed, IReadOnlyList<string> needRestart) =
                Manifests.ManifestValidator.ValidateUpdate(current, others);
            Supervision.DependencyOrder.Check(updated, await store.ListInstancesAsync(ct).ConfigureAwait(false));
            bool running = StateOf(current) == InstanceState.Running;
            return await JournaledAsync(current.Uuid!, Store.IntentVerbs.Update, current, null, async _ =>
            {
                if (nicActions is not null)
                {
                    updated = await ApplyNicActionsAsync(current, updated, nicActions, running, ct).ConfigureAwait(false);
                }

                try
                {
                    if (changed.Contains("quota"))
                    {
                        await ApplyQuotaAsync(current, updated, ct).ConfigureAwait(false);
                    }

                    if (running && changed.Any(s_resourceProperties.Contains))
                    {
                        await containers.UpdateResourcesAsync(updated, ct).ConfigureAwait(false);
                    }
                }
                catch (Exception) when (changed.Contains("quota"))
                {
                    // The record keeps the old values: so must the host (the quota may have been set already).
                    try
                    {
                        await ReapplyRecordAsync(current, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception undo)
                    {
                        Log.UndoFailed(logger, current.Uuid!, undo);
                    }

                    throw;
                }

                updated = await SaveAsync(updated with { LastModified = DateTimeOffset.UtcNow }, ct).ConfigureAwait(false);
                await changes.InstanceChangedAsync(current, updated, ct).ConfigureAwait(false); // rules follow tags and firewall_enabled
                Publish(Events.EventTypes.Updated, updated, new Dictionary<string, object?> { ["changed"] = changed });
                return new UpdateResult { Manifest = updated, RestartRequired = running ? [.. needRestart] : [] };
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Sets the quota live; growing always works, shrinking below what the instance uses is refused with the figures.</summary>
    private async Task ApplyQuotaAsync(Manifest current, Manifest manifest, CancellationToken ct)
    {
        Storage.IStorageDriver pool = pools.Get(manifest.Zpool);
        string dataset = InstanceDataset(manifest.Uuid!);
        long? bytes = manifest.Quota is > 0 ? manifest.Quota.Value << 30 : null;
        if (bytes is not null && !pool.Info.CanEnforceQuota)
        {
            throw BerthException.Invalid("quota", $"pool \"{pool.Spec.Name}\" ({pool.Info.Name}) cannot enforce quotas; set quota to 0");
        }

        long? before = current.Quota is > 0 ? current.Quota.Value << 30 : null;
        if (bytes is not null && (before is null || bytes < before))
        {
            Storage.DatasetUsage usage = await pool.GetDatasetUsageAsync(dataset, ct).ConfigureAwait(false);
            if (bytes < usage.UsedBytes)
            {
                throw BerthException.Invalid("quota", $"{FormatBytes(bytes.Value)} is below the {FormatBytes(usage.UsedBytes)} the instance uses");
            }
        }

        await pool.SetQuotaAsync(dataset, bytes, ct).ConfigureAwait(false);
    }

    /// <summary>1 GiB, 1.3 GiB, 512 MiB: quota figures as people read them.</summary>
    internal static string FormatBytes(long bytes)
    {
        (double value, string unit) = bytes switch
        {
            >= 1L << 40 => (bytes / (double)(1L << 40), "TiB"),
            >= 1L << 30 => (bytes / (double)(1L << 30), "GiB"),
            >= 1L << 20 => (bytes / (double)(1L << 20), "MiB"),
            >= 1L << 10 => (bytes / (double)(1L << 10), "KiB"),
            _ => (bytes, "bytes"),
        };
        return $"{value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} {unit}";
    }

    /// <summary>What the instance's quota counts and what is left of it (of the pool, without a quota); null where the driver cannot tell.</summary>
    private static async Task<(long? Used, long? Available)> QuotaUsageAsync(Storage.IStorageDriver pool, string dataset, CancellationToken ct)
    {
        Storage.DatasetUsage usage;
        try
        {
            usage = await pool.GetDatasetUsageAsync(dataset, ct).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Kind == ErrorKind.Unavailable)
        {
            return (null, null);
        }

        long available = usage.QuotaBytes is { } quota
            ? Math.Max(0, quota - usage.UsedBytes)
            : (await pool.GetUsageAsync(ct).ConfigureAwait(false)).Available;
        return (usage.UsedBytes, available);
    }

    public async Task<ExecResult> ExecAsync(string id, ExecRequest request, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        Lifecycle.Check(InstanceVerb.Exec, StateOf(manifest), Name(manifest));
        if (request.Argv is not { Count: > 0 })
        {
            throw BerthException.Invalid("argv", "give the command to run");
        }

        return await containers.ExecAsync(manifest.Uuid!, request.Argv, request.Stdin, ct).ConfigureAwait(false);
    }

    /// <summary>The path of the instance's console attach socket, for the console stream.</summary>
    public async Task<ConsoleSocket> ConsoleSocketAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        Lifecycle.Check(InstanceVerb.Console, StateOf(manifest), Name(manifest));
        return Vms.VmDriver.IsVm(manifest)
            ? new ConsoleSocket(vms.Files(manifest.Uuid!).ConsoleSocket, Framed: false)
            : new ConsoleSocket(containers.AttachSocketPath(manifest.Uuid!), Framed: true);
    }

    /// <summary>Where an instance lives on the host: monitor and init pids, cgroup, bundle, dataset, host interfaces.</summary>
    public async Task<Dictionary<string, JsonElement>> InfoAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        string uuid = manifest.Uuid!;
        Containers.ContainerStatus? status = await containers.GetStatusAsync(uuid).ConfigureAwait(false);
        Storage.IStorageDriver pool = pools.Get(manifest.Zpool);
        (long? used, long? available) = await QuotaUsageAsync(pool, InstanceDataset(uuid), ct).ConfigureAwait(false);
        var info = new Dictionary<string, object?>
        {
            ["uuid"] = uuid,
            ["state"] = manifest.State,
            ["runtime_status"] = status?.Status,
            ["init_pid"] = status?.Pid,
            ["monitor_pid"] = containers.MonitorPid(uuid),
            ["cgroup"] = $"/{containers.Paths.CgroupParent}/{uuid}",
            ["bundle"] = Path.Combine(containers.Paths.BundlesDir, uuid),
            ["dataset"] = pool.DatasetPath(InstanceDataset(uuid)),
            ["console_socket"] = containers.AttachSocketPath(uuid),
            ["host_interfaces"] = NicPlanner.Indexes(manifest).Select(i => Networking.NicPlumber.HostInterfaceName(uuid, i)).ToArray(),
            ["exit_status"] = manifest.ExitStatus,
            ["quota_used_bytes"] = used,
            ["quota_available_bytes"] = available,
        };
        foreach ((string key, object? value) in await MetadataInfoAsync(uuid, ct).ConfigureAwait(false))
        {
            info[key] = value;
        }

        return info.ToDictionary(kv => kv.Key, kv => InfoJson.ToElement(kv.Value));
    }
}

/// <summary>Where an instance's console is: conmon's attach socket (SOCK_SEQPACKET, each packet led by a stream byte) or QEMU's serial socket (a plain stream).</summary>
public sealed record ConsoleSocket(string Path, bool Framed);
