using Berth.Core.Networking;

namespace Berth.SystemTests.Daemon;

/// <summary>Looks for anything an instance could leave on the host: dataset, veth, cgroup, mount, bundle, crun state.</summary>
internal static class Leftovers
{
    public static async Task<List<string>> OfAsync(Berthd berthd, string uuid, int nics = 1)
    {
        TestHost host = berthd.Host;
        var found = new List<string>();
        string dataset = Path.Combine(host.StateDir, "pools", "default", "instances", uuid);
        if (Directory.Exists(dataset))
        {
            found.Add($"dataset {dataset}");
        }

        string links = (await host.InNetnsAsync("ip", "-o", "link")).Stdout;
        for (int i = 0; i < nics; i++)
        {
            string veth = NicPlumber.HostInterfaceName(uuid, i);
            if (links.Contains(veth + "@", StringComparison.Ordinal) || links.Contains($" {veth}:", StringComparison.Ordinal))
            {
                found.Add($"veth {veth}");
            }
        }

        foreach (string controller in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            string dir = Path.Combine(controller, host.CgroupParent, uuid);
            if (Directory.Exists(dir))
            {
                found.Add($"cgroup {dir}");
            }
        }

        if (File.ReadAllText("/proc/self/mountinfo").Contains(uuid, StringComparison.Ordinal))
        {
            found.Add("a mount naming the instance");
        }

        foreach (string dir in new[] { Path.Combine(host.StateDir, "bundles", uuid), Path.Combine(host.RunDir, "crun", uuid), Path.Combine(host.RunDir, "monitor", uuid), Path.Combine(host.RunDir, "metadata", uuid), Path.Combine(host.RunDir, "vm", uuid) })
        {
            if (Directory.Exists(dir))
            {
                found.Add($"directory {dir}");
            }
        }

        return found;
    }
}
