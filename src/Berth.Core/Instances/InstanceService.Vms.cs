using Berth.Api.Contracts;
using Berth.Core.Instances.Vms;
using Berth.Core.Networking;
using Berth.Core.Storage;

namespace Berth.Core.Instances;

/// <summary>The steps of the kvm brand where they differ from a container's; the verbs and their locks are shared.</summary>
public sealed partial class InstanceService
{
    /// <summary>As vmadm: a guest gets 180 s to answer the ACPI power button before it is killed.</summary>
    public const int DefaultVmStopTimeoutSeconds = 180;

    private async Task<Plan> PlanVmAsync(Manifest manifest, IStorageDriver pool, CancellationToken ct)
    {
        VmDriver.CheckHost(manifest);
        IReadOnlyList<NicPlan> nics = await PlanNicsAsync(manifest, ct).ConfigureAwait(false);
        AccelChoice accel = await vms.AccelAsync(ct).ConfigureAwait(false);
        return new Plan(pool, null, nics, await PrimaryResolversAsync(manifest, ct).ConfigureAwait(false), accel);
    }

    private static Manifest WithAccel(Manifest manifest, Plan plan) =>
        plan.Accel is { } accel ? manifest with { Accel = accel.Name, AccelWarning = accel.Warning } : manifest;

    /// <summary>A VM's dataset is an empty one holding its disk files.</summary>
    private async Task<Manifest> CreateVmDatasetAsync(Manifest manifest, IStorageDriver pool, Reverter reverter, CancellationToken ct)
    {
        string dataset = InstanceDataset(manifest.Uuid!);
        await pool.CreateAsync(dataset, ct).ConfigureAwait(false);
        reverter.Add("dataset", () => pool.DeleteAsync(dataset));
        manifest = VmDriver.CreateDisks(manifest, pool.DatasetPath(dataset));
        return await SaveAsync(manifest, ct).ConfigureAwait(false);
    }

    /// <summary>Taps on the nics' bridges, then QEMU; undo steps go on the reverter.</summary>
    private async Task<int> BootVmAsync(Manifest manifest, Plan plan, Reverter reverter, StepTimer timer, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        IReadOnlyList<string> taps = [];
        if (plan.Nics.Count > 0)
        {
            await BeginStepAsync("network", uuid, timer).ConfigureAwait(false);
            reverter.Add("network", () => plumber.DetachAsync(uuid, plan.Nics.Count));
            taps = await plumber.AttachTapsAsync(uuid, plan.Nics, ct).ConfigureAwait(false);
        }

        await BeginStepAsync("qemu", uuid, timer).ConfigureAwait(false);
        reverter.Add("qemu", () => vms.DeleteAsync(uuid, keepLog: true));
        if (plan.Accel!.Warning is { } warning)
        {
            Log.VmWithoutKvm(logger, uuid, warning);
        }

        return await vms.StartAsync(manifest, plan.Pool.DatasetPath(InstanceDataset(uuid)), taps, plan.Accel, ct).ConfigureAwait(false);
    }

    /// <summary>ACPI power button, then kill after the timeout (at once with force).</summary>
    private async Task<Manifest> StopVmLockedAsync(Manifest manifest, bool force, int timeoutSeconds, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        int? pid = vms.Pid(uuid);
        if (pid is int running)
        {
            if (!force)
            {
                try
                {
                    await vms.PowerdownAsync(uuid, ct).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    Log.KillFailed(logger, uuid, "system_powerdown", e.Message); // QEMU is going or gone: the wait below tells
                }
            }

            if (force || !await ExitsWithinAsync(running, TimeSpan.FromSeconds(timeoutSeconds), ct).ConfigureAwait(false))
            {
                if (!force)
                {
                    Log.StopTimedOut(logger, uuid, "ACPI power-down", timeoutSeconds);
                }

                vms.Kill(uuid);
                await ExitsWithinAsync(running, TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
            }
        }

        return await CleanUpVmAfterExitAsync(manifest, ct).ConfigureAwait(false);
    }

    private async Task<bool> ExitsWithinAsync(int pid, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await watcher.WaitForExitAsync(pid, ct).WaitAsync(timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Releases what a VM whose QEMU ended held (sockets, cgroup, taps) and records it as stopped.</summary>
    private async Task<Manifest> CleanUpVmAfterExitAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        await vms.CleanUpAsync(uuid).ConfigureAwait(false);
        await plumber.DetachAsync(uuid, manifest.Nics?.Count ?? 0).ConfigureAwait(false);
        manifest = await SaveAsync(manifest, InstanceState.Stopped, null, ct).ConfigureAwait(false);
        Log.Stopped(logger, uuid, null);
        return manifest;
    }

    /// <summary>A VM whose QEMU still runs is watched again; one that ended while berthd was down is recorded stopped.</summary>
    private async Task<int> ReconcileVmAsync(Manifest manifest, InstanceState state, CancellationToken ct)
    {
        if (vms.Pid(manifest.Uuid!) is int pid && state is InstanceState.Running or InstanceState.Stopping)
        {
            Watch(await SaveAsync(manifest, InstanceState.Running, pid, ct).ConfigureAwait(false));
            return 0;
        }

        if (state is InstanceState.Running or InstanceState.Stopping)
        {
            await CleanUpVmAfterExitAsync(manifest, ct).ConfigureAwait(false);
        }
        else if (vms.Pid(manifest.Uuid!) is not null)
        {
            vms.Kill(manifest.Uuid!); // a QEMU of a VM recorded stopped: a start died half way
            await vms.DeleteAsync(manifest.Uuid!, keepLog: true).ConfigureAwait(false);
        }

        return 0;
    }
}
