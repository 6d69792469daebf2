using System.Text.Json.Nodes;
using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;

namespace Berth.Core.Instances.Containers;

public sealed partial class ContainerDriver
{
    /// <summary>Applies a manifest's memory, swap, CPU and pids limits to a running container at once.</summary>
    public async Task UpdateResourcesAsync(Manifest manifest, CancellationToken ct = default)
    {
        string uuid = manifest.Uuid!;
        JsonObject limits = OciSpecBuilder.Limits(manifest);
        // cgroup v1 refuses a memory limit above memory+swap and the reverse: growing writes swap first, shrinking memory first.
        long? current = new InstanceCgroup(CgroupsPath(uuid)).MemoryLimitBytes;
        long? wanted = manifest.MaxPhysicalMemory * (1L << 20);
        if (limits["memory"] is JsonObject memory && memory["swap"] is not null && current is not null && wanted is not null)
        {
            var first = new JsonObject
            {
                ["memory"] = wanted > current
                    ? new JsonObject { ["swap"] = memory["swap"]!.GetValue<long>() }
                    : new JsonObject { ["limit"] = memory["limit"]!.GetValue<long>() },
            };
            await UpdateAsync(uuid, first, ct).ConfigureAwait(false);
        }

        await UpdateAsync(uuid, limits, ct).ConfigureAwait(false);
    }

    private async Task UpdateAsync(string uuid, JsonObject resources, CancellationToken ct)
    {
        string file = Path.Combine(BundleDir(uuid), "resources.json");
        await File.WriteAllTextAsync(file, resources.ToJsonString(), ct).ConfigureAwait(false);
        try
        {
            await Runner.RunCheckedAsync(Crun.Binary, [$"--root={Paths.CrunRoot}", "update", $"--resources={file}", uuid], ct: ct).ConfigureAwait(false);
        }
        catch (Host.CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed updating the limits of {uuid}: {e.Message}", e);
        }
    }
}
