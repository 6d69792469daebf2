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
            (Manifest updated, IReadOnlyList<string> changed, IReadOnlyList<string> needRestart) =
                Manifests.ManifestValidator.ValidateUpdate(current, patch);
            bool running = StateOf(current) == InstanceState.Running;

            if (changed.Contains("quota"))
            {
                await ApplyQuotaAsync(updated, ct).ConfigureAwait(false);
            }

            if (running && changed.Any(s_resourceProperties.Contains))
            {
                await containers.UpdateResourcesAsync(updated, ct).ConfigureAwait(false);
            }

            updated = await SaveAsync(updated with { LastModified = DateTimeOffset.UtcNow }, ct).ConfigureAwait(false);
            return new UpdateResult { Manifest = updated, RestartRequired = running ? [.. needRestart] : [] };
        }, ct).ConfigureAwait(false);
    }

    private async Task ApplyQuotaAsync(Manifest manifest, CancellationToken ct)
    {
        Storage.IStorageDriver pool = pools.Get(manifest.Zpool);
        long? bytes = manifest.Quota is > 0 ? manifest.Quota.Value << 30 : null;
        if (bytes is not null && !pool.Info.CanEnforceQuota)
        {
            throw BerthException.Invalid("quota", $"pool \"{pool.Spec.Name}\" ({pool.Info.Name}) cannot enforce quotas; set quota to 0");
        }

        await pool.SetQuotaAsync(InstanceDataset(manifest.Uuid!), bytes, ct).ConfigureAwait(false);
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
    public async Task<string> ConsoleSocketAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        Lifecycle.Check(InstanceVerb.Console, StateOf(manifest), Name(manifest));
        return containers.AttachSocketPath(manifest.Uuid!);
    }

    /// <summary>Where an instance lives on the host: monitor and init pids, cgroup, bundle, dataset, host interfaces.</summary>
    public async Task<Dictionary<string, JsonElement>> InfoAsync(string id, CancellationToken ct = default)
    {
        Manifest manifest = await ResolveAsync(id, ct).ConfigureAwait(false);
        string uuid = manifest.Uuid!;
        Containers.ContainerStatus? status = await containers.GetStatusAsync(uuid).ConfigureAwait(false);
        Storage.IStorageDriver pool = pools.Get(manifest.Zpool);
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
            ["host_interfaces"] = Enumerable.Range(0, manifest.Nics?.Count ?? 0)
                .Select(i => Networking.NicPlumber.HostInterfaceName(uuid, i)).ToArray(),
            ["exit_status"] = manifest.ExitStatus,
        };
        return info.ToDictionary(kv => kv.Key, kv => InfoJson.ToElement(kv.Value));
    }
}
