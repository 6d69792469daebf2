using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Host.Cgroups;
using Berth.Core.Networking;
using Microsoft.Data.Sqlite;

namespace Berth.SystemTests.Daemon;

/// <summary>
/// Accounts for every resource of a test berthd: each listed instance complete and in a true state, each gone one
/// without a trace, and nothing on the host (dataset, crun container, veth, cgroup, intent) that no instance explains.
/// </summary>
internal static class HostAudit
{
    public static async Task<List<string>> CheckAsync(Berthd berthd, IEnumerable<string> everCreated)
    {
        TestHost host = berthd.Host;
        var problems = new List<string>();
        List<Manifest> vms = await berthd.Client.ListVmsAsync();
        HashSet<string> listed = [.. vms.Select(v => v.Uuid!)];
        HashSet<string> running = [.. vms.Where(v => v.State == "running").Select(v => v.Uuid!)];
        string links = (await host.InNetnsAsync("ip", "-o", "link")).Stdout;

        foreach (Manifest vm in vms)
        {
            problems.AddRange((await CheckInstanceAsync(berthd, vm, links)).Select(p => $"{vm.Alias} ({vm.Uuid}) {vm.State}: {p}"));
        }

        foreach (string uuid in everCreated.Where(u => !listed.Contains(u)))
        {
            problems.AddRange((await Leftovers.OfAsync(berthd, uuid)).Select(p => $"gone {uuid}: {p}"));
        }

        string instancesDir = Path.Combine(host.StateDir, "pools", "default", "instances");
        if (Directory.Exists(instancesDir))
        {
            problems.AddRange(Directory.GetDirectories(instancesDir).Select(Path.GetFileName)
                .Where(n => !listed.Contains(n!)).Select(n => $"dataset instances/{n} that no instance has"));
        }

        string crunRoot = Path.Combine(host.RunDir, "crun");
        if (Directory.Exists(crunRoot))
        {
            problems.AddRange(Directory.GetDirectories(crunRoot).Select(Path.GetFileName)
                .Where(n => !running.Contains(n!)).Select(n => $"crun container {n} of no running instance"));
        }

        HashSet<string> veths = [.. running.SelectMany(u => Enumerable.Range(0, 1).Select(i => NicPlumber.HostInterfaceName(u, i)))];
        foreach (string line in links.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(':', 3)[1].Trim().Split('@')[0];
            if (name.StartsWith("vb", StringComparison.Ordinal) && !veths.Contains(name))
            {
                problems.Add($"veth {name} of no running instance");
            }
        }

        foreach (string controller in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            string parent = Path.Combine(controller, host.CgroupParent);
            if (Directory.Exists(parent))
            {
                problems.AddRange(Directory.GetDirectories(parent).Select(Path.GetFileName)
                    .Where(n => !running.Contains(n!)).Select(n => $"cgroup {Path.Combine(parent, n!)} of no running instance"));
            }
        }

        long intents = await IntentCountAsync(host);
        if (intents != 0)
        {
            problems.Add($"{intents} intents left in the journal");
        }

        return problems;
    }

    private static async Task<List<string>> CheckInstanceAsync(Berthd berthd, Manifest vm, string links)
    {
        TestHost host = berthd.Host;
        string uuid = vm.Uuid!;
        var problems = new List<string>();
        string dataset = Path.Combine(host.StateDir, "pools", "default", "instances", uuid);
        if (!Directory.Exists(Path.Combine(dataset, "bin")))
        {
            problems.Add($"dataset {dataset} missing or empty");
        }

        string veth = NicPlumber.HostInterfaceName(uuid, 0);
        bool hasVeth = links.Contains(veth + "@", StringComparison.Ordinal) || links.Contains($" {veth}:", StringComparison.Ordinal);
        bool hasContainer = Directory.Exists(Path.Combine(host.RunDir, "crun", uuid));
        var cgroup = new InstanceCgroup($"/{host.CgroupParent}/{uuid}");
        switch (vm.State)
        {
            case "running":
                CommandResult state = await CommandRunner.Default.RunAsync("crun", [$"--root={host.RunDir}/crun", "state", uuid]);
                if (!state.Stdout.Contains("\"running\"", StringComparison.Ordinal))
                {
                    problems.Add($"crun says {state.Stdout.Trim()} {state.Stderr.Trim()}");
                }

                if (!hasVeth)
                {
                    problems.Add($"no veth {veth}");
                }

                string freezer = Path.Combine(cgroup.ControllerDir("freezer") ?? "/nonexistent", "freezer.state");
                if (File.Exists(freezer) && File.ReadAllText(freezer).Trim() != "THAWED")
                {
                    problems.Add($"freezer {File.ReadAllText(freezer).Trim()}");
                }

                long? memory = cgroup.MemoryLimitBytes;
                if (memory != vm.MaxPhysicalMemory * (1L << 20))
                {
                    problems.Add($"memory limit {memory} on the host, max_physical_memory {vm.MaxPhysicalMemory} MiB in the record");
                }

                break;
            case "stopped":
                if (hasContainer || hasVeth || cgroup.ExistingDirectories.Count > 0)
                {
                    problems.Add($"stopped but container {hasContainer}, veth {hasVeth}, cgroups {string.Join(",", cgroup.ExistingDirectories)}");
                }

                break;
            default:
                problems.Add("not in a settled state");
                break;
        }

        if (vm.Quota is > 0)
        {
            Manifest got = await berthd.Client.GetVmAsync(uuid);
            long? limit = got.QuotaUsedBytes + got.QuotaAvailableBytes;
            if (limit != vm.Quota.Value << 30)
            {
                problems.Add($"quota on the host {limit} bytes, {vm.Quota} GiB in the record");
            }
        }

        return problems;
    }

    /// <summary>Rows of the intent journal, read straight from the database file.</summary>
    public static async Task<long> IntentCountAsync(TestHost host)
    {
        await using var db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(host.StateDir, "berth.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await db.OpenAsync();
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM intents";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
