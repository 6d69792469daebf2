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
    private sealed record Plan(IStorageDriver Pool, ImageManifest Image, IReadOnlyList<NicPlan> Nics, IReadOnlyList<string>? Resolvers);

    /// <summary>Creates an instance and, unless autoboot is false, starts it; a failure at any step leaves nothing behind.</summary>
    public async Task<Manifest> CreateAsync(JsonElement body, CancellationToken ct = default)
    {
        var timer = new StepTimer();
        timer.Begin("validate");
        Manifest manifest = Manifests.ManifestValidator.Validate(body);
        timer.Begin("plan");
        Plan plan = await PlanAsync(manifest, ct).ConfigureAwait(false);
        string uuid = manifest.Uuid!;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        manifest = manifest with { Resolvers = manifest.Resolvers ?? plan.Resolvers?.ToList(), State = InstanceState.Provisioning.ToWire(), CreateTimestamp = now, LastModified = now };

        return await WithLockAsync(uuid, () => JournaledAsync(uuid, Store.IntentVerbs.Create, manifest, null, intent => WithUndoAsync(uuid, $"Failed creating instance {Name(manifest)}", async reverter =>
        {
            await BeginStepAsync("record", uuid, timer).ConfigureAwait(false);
            await store.InsertInstanceAsync(manifest, ct).ConfigureAwait(false);
            reverter.Add("record", () => store.DeleteInstanceAsync(uuid));

            await BeginStepAsync("dataset", uuid, timer).ConfigureAwait(false);
            await images.EnsureOnPoolAsync(plan.Image, plan.Pool, ct).ConfigureAwait(false);
            await plan.Pool.CloneAsync(ImageService.Dataset(plan.Image.Uuid!), InstanceDataset(uuid), ct).ConfigureAwait(false);
            reverter.Add("dataset", () => plan.Pool.DeleteAsync(InstanceDataset(uuid)));

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
            }

            reverter.Success();
            Log.Created(logger, uuid, manifest.Alias, manifest.State, timer.TotalMilliseconds, timer.ToString());
            return manifest;
        }), ct), ct).ConfigureAwait(false);
    }

    /// <summary>Creates the container, plumbs its nics and starts its init; undo steps go on the reverter.</summary>
    private async Task<int> BootAsync(Manifest manifest, Plan plan, Reverter reverter, StepTimer timer, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        await BeginStepAsync("container", uuid, timer).ConfigureAwait(false);
        reverter.Add("container", () => containers.DeleteAsync(uuid));
        int pid = await containers.CreateAsync(
            new ContainerSpec(manifest, plan.Pool.DatasetPath(InstanceDataset(uuid)), plan.Image), ct).ConfigureAwait(false);

        if (plan.Nics.Count > 0)
        {
            await BeginStepAsync("network", uuid, timer).ConfigureAwait(false);
            reverter.Add("network", () => plumber.DetachAsync(uuid, plan.Nics.Count));
        }

        // Init starts while its nics are plumbed (they appear as if hot-plugged); the instance counts as
        // running only once both are done, so it is reachable when create returns.
        await BeginStepAsync("start", uuid, timer).ConfigureAwait(false);
        Task attach = plan.Nics.Count > 0 ? plumber.AttachAsync(uuid, pid, plan.Nics, ct) : Task.CompletedTask;
        Task start = containers.StartAsync(uuid);
        await Task.WhenAll(attach, start).ConfigureAwait(false); // throws the first failure once both have ended

        return pid;
    }

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

        var nics = new List<NicPlan>();
        IReadOnlyList<string>? resolvers = null;
        IReadOnlyList<Manifest> others = [.. (await store.ListInstancesAsync(ct).ConfigureAwait(false)).Where(m => m.Uuid != manifest.Uuid)];
        for (int i = 0; i < (manifest.Nics?.Count ?? 0); i++)
        {
            Nic nic = manifest.Nics![i];
            Api.Contracts.Network network = await networks.ForNicTagAsync(nic.NicTag!, $"nics[{i}].nic_tag", ct).ConfigureAwait(false);
            NicPlan nicPlan = NicPlanner.Plan(i, nic, network);
            NicPlanner.CheckAddressesFree(i, nicPlan, nic.NicTag!, others);
            nics.Add(nicPlan);
            if (nic.Primary == true && network.Resolvers is { Count: > 0 })
            {
                resolvers = network.Resolvers; // vmadm fills resolvers from the primary nic's network
            }
        }

        return new Plan(pool, image, nics, resolvers);
    }
}
