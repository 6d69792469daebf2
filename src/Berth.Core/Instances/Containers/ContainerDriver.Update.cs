using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;

namespace Berth.Core.Instances.Containers;

public sealed partial class ContainerDriver
{
    private readonly Lazy<ICgroupDriver> _cgroups = new(CgroupDrivers.ForHost);

    /// <summary>The cgroup driver of the host's cgroup version (v1 or v2), for limits and counters.</summary>
    public ICgroupDriver Cgroups => _cgroups.Value;

    /// <summary>Applies a manifest's memory, swap, CPU and pids limits to a running container at once; an unset one is lifted.</summary>
    /// <remarks>Written to the cgroup directly rather than through <c>crun update</c>: no process start, and a cap set back to 0 is removed (crun update leaves what it is not given).</remarks>
    public Task UpdateResourcesAsync(Manifest manifest, CancellationToken ct = default)
    {
        string uuid = manifest.Uuid!;
        CheckUuid(uuid);
        try
        {
            Cgroups.Apply(CgroupsPath(uuid), ResourceLimits.Of(manifest));
        }
        catch (BerthException e)
        {
            throw new BerthException(e.Kind, $"Failed updating the limits of {uuid}: {e.Message}", e);
        }

        return Task.CompletedTask;
    }

    /// <summary>Has the kernel count the instance's disk I/O on the disk its root dataset lives on (for stats and metrics).</summary>
    /// <remarks>Best effort: without it the instance runs the same, only its disk figures stay 0 on cgroup v1.</remarks>
    private void EnableIoAccounting(string rootfsPath, string uuid)
    {
        try
        {
            if (Host.BlockDevice.DiskOf(rootfsPath) is { } disk)
            {
                Cgroups.EnableIoAccounting(Path.GetDirectoryName(CgroupsPath(uuid))!, disk);
            }
        }
        catch (Exception e) when (e is BerthException or IOException or UnauthorizedAccessException)
        {
            // Disk figures are a view; a create must not fail for them.
        }
    }
}
