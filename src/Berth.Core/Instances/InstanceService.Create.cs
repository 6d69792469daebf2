using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Images;
using Berth.Core.Instances.Containers;
using Berth.Core.Networking;
using Berth.Core.Storage;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>What a manifest resolves to on this host: its pool, image and the plan of each nic.</summary>
    /// <param name="Image">the image of a container; null for a VM</param>
    /// <param name="Accel">a VM's accelerator; null for a container</param>
    private sealed record Plan(IStorageDriver Pool, ImageManifest? Image, IReadOnlyList<NicPlan> Nics, IReadOnlyList<string>? Resolvers, Vms.AccelChoice? Accel = null);

    /// <summary>Creates an instance and, unless autoboot is false, starts it; a failure at any step leaves nothing behind.</summary>
    public async Task<Manifest> CreateAsync(JsonElement body, CancellationToken ct = default)
    {
        var timer = new StepTimer();
        timer.Begin("validate");
        Manifest manifest = Manifests.ManifestValidator.Validate(body);
        timer.Begin("plan");
        Plan plan = await PlanAsync(manifest, ct).ConfigureAwait(false);
        Supervision.DependencyOrder.Check(manifest, await store.ListInstancesAsync(ct).ConfigureAwait(false));
        string uuid = manifest.Uuid!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        manifest = manifest with { Resolvers = manifest.Resolvers ?? plan.Resolvers?.ToList(), State = InstanceState.Provisioning.ToWire(), CreateTimestamp = now, LastModified = now };
        manifest = WithAccel(manifest, plan);

        return await WithLockAsync(uuid, () => JournaledAsync(uuid, Store.IntentVerbs.Create, manifest, null, intent => WithUndoAsync(uuid, $"Failed creating instance {Name(manifest)}", async reverter =>
        {
            if (manifest.Nics is { Count: > 0 })
            {
                // IPAM before the record, so that the record holds the addresses; a crash in between leaves rows reconcile frees.
                await BeginStepAsync("addresses", uuid, timer).ConfigureAwait(false);
                reverter.Add("addresses", () => _addressing.ReleaseAsync(uuid));
                manifest = manifest with { Nics = await _addressing.ClaimAsync(uuid, manifest.Nics, ct).ConfigureAwait(false) };
                plan = plan with { Nics = await PlanNicsAsync(manifest, ct).ConfigureAwait(false) };
            }

            await BeginStepAsync("record", uuid, timer).ConfigureAwait(false);
            await store.InsertInstanceAsync(manifest, ct).ConfigureAwait(false);
            reverter.Add("firewall", () => changes.InstanceChangedAsync(manifest, null)); // runs after the record is gone
            reverter.Add("record", () => store.DeleteInstanceAsync(uuid));
            await changes.InstanceChangedAsync(null, manifest, ct).ConfigureAwait(false); // anti-spoofing before any nic exists
            Manifest recorded = manifest;

            await BeginStepAsync("dataset", uuid, timer).ConfigureAwait(false);
            if (plan.Image is null)
            {
                manifest = await CreateVmDatasetAsync(manifest, plan.Pool, reverter, ct).ConfigureAwait(false);
            }
            else
            {
                await images.EnsureOnPoolAsync(plan.Image, plan.Pool, ct).ConfigureAwait(false);
                await plan.Pool.CloneAsync(ImageService.Dataset(plan.Image.Uuid!), InstanceDataset(uuid), ct).ConfigureAwait(false);
                reverter.Add("dataset", () => plan.Pool.DeleteAsync(InstanceDataset(uuid)));
            }

            if (manifest.Quota is > 0)
            {
                await BeginStepAsync("quota", uuid, timer).ConfigureAwait(false);
                await plan.Pool.SetQuotaAsync(InstanceDataset(uuid), manifest.Quota.Value << 30, ct).ConfigureAwait(false);
            }

            if (manifest.Autoboot == false)
            {
                manifest = await CommitAsync(intent, manifest, InstanceState.Stopped, null, ct).ConfigureAwait(false);
            }
            else
            {
                int pid = await BootAsync(manifest, plan, reverter, timer, ct).ConfigureAwait(false);
                await BeginStepAsync("running", uuid, timer).ConfigureAwait(false);
                manifest = await CommitAsync(intent, manifest, InstanceState.Running, pid, ct).ConfigureAwait(false);
                Watch(manifest);
                await LaunchUserScriptOnceAsync(manifest, ct).ConfigureAwait(false);
            }

            await changes.InstanceChangedAsync(recorded, manifest, ct).ConfigureAwait(false); // a no-op unless nics changed since
            reverter.Success();
            Log.Created(logger, uuid, manifest.Alias, manifest.State, timer.TotalMilliseconds, timer.ToString());
            Publish(Events.EventTypes.Created, manifest, new Dictionary<string, object?> { ["brand"] = manifest.Brand, ["state"] = manifest.State });
            if (manifest.Pid is int started)
            {
                Publish(Events.EventTypes.Started, manifest, new Dictionary<string, object?> { ["pid"] = started });
            }

            return manifest;
        }), ct), ct).ConfigureAwait(false);
    }

    /// <summary>Creates the container, plumbs its nics and starts its init; undo steps go on the reverter.</summary>
    private async Task<int> BootAsync(Manifest manifest, Plan plan, Reverter reverter, StepTimer timer, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        if (plan.Image is null)
        {
            return await BootVmAsync(manifest, plan, reverter, timer, ct).ConfigureAwait(false);
        }

        IdRange? userNamespace = await UserNamespaceAsync(manifest, ct).ConfigureAwait(false);
        metadata.Serve(uuid, this, MetadataOwner(userNamespace)); // before the container: its socket directory is mounted into it
        reverter.Add("metadata", () =>
        {
            metadata.Stop(uuid);
            return Task.CompletedTask;
        });
        await BeginStepAsync("container", uuid, timer).ConfigureAwait(false);
        reverter.Add("container", () => containers.DeleteAsync(uuid));
        int pid = await containers.CreateAsync(
            new ContainerSpec(manifest, plan.Pool.DatasetPath(InstanceDataset(uuid)), plan.Image!, userNamespace),
            ct).ConfigureAwait(false);

        if (plan.Nics.Count > 0)
        {
            await BeginStepAsync("network", uuid, timer).ConfigureAwait(false);
            reverter.Add("network", () => plumber.DetachAsync(uuid, plan.Nics.Select(n => n.Index)));
        }

        // Init starts while its nics are plumbed (they appear as if hot-plugged); the instance counts as
        // running only once both are done, so it is reachable when create returns.
        await BeginStepAsync("start", uuid, timer).ConfigureAwait(false);
        Task attach = plan.Nics.Count > 0 ? plumber.AttachAsync(uuid, pid, plan.Nics, ct, NicPlanner.Routes(manifest)) : Task.CompletedTask;
        Task start = containers.StartAsync(uuid);
        await Task.WhenAll(attach, start).ConfigureAwait(false); // throws the first failure once both have ended

        return pid;
    }

    /// <summary>The instance's own host ID range (kept for its life, freed with its record), or null when it is privileged.</summary>
    private async Task<IdRange?> UserNamespaceAsync(Manifest manifest, CancellationToken ct) =>
        manifest.Privileged == true ? null
        : IdRange.OfSlot(await store.AcquireIdSlotAsync(manifest.Uuid!, IdRange.MaxSlots, ct).ConfigureAwait(false));

    /// <summary>The host uid and gid of the instance's root, who must own its metadata socket; null: host root.</summary>
    private static (int Uid, int Gid)? MetadataOwner(IdRange? userNamespace) =>
        userNamespace is null ? null : (unchecked((int)userNamespace.HostId), unchecked((int)userNamespace.HostId));

    private Task BeginStepAsync(string step, string uuid, StepTimer timer)
    {
        timer.Begin(step);
        return observer.BeforeStepAsync(step, uuid);
    }

    private async Task<Plan> PlanAsync(Manifest manifest, CancellationToken ct)
    {
        IStorageDriver pool = pools.Get(manifest.Zpool);
        if (manifest.Quota is > 0 && !pool.Info.CanEnforceQuota)
        {
            throw BerthException.Invalid("quota",
                $"pool \"{pool.Spec.Name}\" ({pool.Info.Name}) cannot enforce quotas; use a btrfs pool or set quota to 0");
        }

        if (Vms.VmDriver.IsVm(manifest))
        {
            return await PlanVmAsync(manifest, pool, ct).ConfigureAwait(false);
        }

        ImageManifest image;
        try
        {
            image = await images.GetAsync(manifest.ImageUuid!, ct).ConfigureAwait(false);
        }
        catch (BerthException e) when (e.Kind == ErrorKind.NotFound)
        {
            // A received instance needs not have its image here: it brought the image's manifest along.
            image = await ReceivedImageAsync(manifest.Uuid, ct).ConfigureAwait(false)
                ?? throw BerthException.Invalid("image_uuid", $"image {manifest.ImageUuid} is not installed (berth image list shows the images)");
        }

        return new Plan(pool, image, await PlanNicsAsync(manifest, ct).ConfigureAwait(false), await PrimaryResolversAsync(manifest, ct).ConfigureAwait(false));
    }

    /// <summary>The resolvers of the primary nic's network: vmadm fills resolvers from it.</summary>
    private async Task<IReadOnlyList<string>?> PrimaryResolversAsync(Manifest manifest, CancellationToken ct)
    {
        for (int i = 0; i < (manifest.Nics?.Count ?? 0); i++)
        {
            Nic nic = manifest.Nics![i];
            if (nic.Primary == true)
            {
                Api.Contracts.Network network = await networks.ForNicAsync(nic, $"nics[{i}]", ct).ConfigureAwait(false);
                return network.Resolvers is { Count: > 0 } r ? r : null;
            }
        }

        return null;
    }

    /// <summary>The plumbing plan of each nic, its network looked up by network_uuid or nic_tag.</summary>
    private async Task<IReadOnlyList<NicPlan>> PlanNicsAsync(Manifest manifest, CancellationToken ct)
    {
        var nics = new List<NicPlan>();
        for (int i = 0; i < (manifest.Nics?.Count ?? 0); i++)
        {
            Nic nic = manifest.Nics![i];
            Api.Contracts.Network network = await networks.ForNicAsync(nic, $"nics[{i}]", ct).ConfigureAwait(false);
            nics.Add(NicPlanner.Plan(i, nic, network));
        }

        return nics;
    }
}
