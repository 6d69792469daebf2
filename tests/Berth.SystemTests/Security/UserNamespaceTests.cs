using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Instances.Containers;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Security;

/// <summary>
/// lx instances through berthd: each in its own user namespace with its own host ID range; the root is idmapped, so
/// files keep the IDs they have inside on the pool, also through snapshots and send/receive.
/// </summary>
public sealed class UserNamespaceTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    private string DatasetDir(string pool, string uuid) => Path.Combine(Berthd.Host.StateDir, "pools", pool, "instances", uuid);

    /// <summary>The instance's init as the host sees it: the first line of its uid_map and gid_map ("0 HOSTID SIZE").</summary>
    private static async Task<(long HostUid, long Size, long HostGid)> MapOfAsync(Manifest vm)
    {
        string[] uid = (await File.ReadAllTextAsync($"/proc/{vm.Pid}/uid_map")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] gid = (await File.ReadAllTextAsync($"/proc/{vm.Pid}/gid_map")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", uid[0]);
        return (long.Parse(uid[1]), long.Parse(uid[2]), long.Parse(gid[1]));
    }

    private async Task<ExecResult> ExecAsync(string id, string script)
    {
        ExecResult r = await Berthd.Client.ExecAsync(id, new ExecRequest { Argv = ["sh", "-c", script] });
        if (r.ExitCode != 0)
        {
            Manifest m = await Berthd.Client.GetVmAsync(id);
            string log = File.Exists(Berthd.LogPath) ? string.Join('\n', File.ReadLines(Berthd.LogPath).TakeLast(15)) : "";
            Assert.Fail($"`{script}` in {id} ({m.State}, pid {m.Pid}) exited {r.ExitCode}: {r.Stdout}{r.Stderr}\n{log}");
        }

        return r;
    }

    private async Task DeleteAllAsync(params string?[] ids)
    {
        foreach (string id in ids.OfType<string>().Distinct())
        {
            try
            {
                await Berthd.Client.DeleteVmAsync(id);
            }
            catch (BerthApiException e) when (e.Status == 404)
            {
            }
        }
    }

    [Fact]
    public async Task EachInstanceHasItsOwnHostIdRangeFreedOnDeleteAndKeptAcrossRestarts()
    {
        RootOnly.Require();
        Manifest a = await Berthd.CreateAsync(Berthd.Manifest("userns-a", 91));
        Manifest b = await Berthd.CreateAsync(Berthd.Manifest("userns-b", 92));
        string? c = null;
        try
        {
            (long hostA, long sizeA, long gidA) = await MapOfAsync(a);
            (long hostB, long sizeB, _) = await MapOfAsync(b);
            Assert.Equal(hostA, gidA);
            Assert.True(hostA >= IdRange.Base && hostB >= IdRange.Base, $"root inside maps to an unprivileged host ID ({hostA}, {hostB})");
            Assert.Equal(IdRange.SlotSize, sizeA);
            Assert.True(hostA + sizeA <= hostB || hostB + sizeB <= hostA, $"ranges {hostA}+{sizeA} and {hostB}+{sizeB} overlap");
            // Root inside is that unprivileged ID outside: the host sees init's uid as the range's first ID.
            string status = await File.ReadAllTextAsync($"/proc/{a.Pid}/status");
            Assert.Contains($"Uid:\t{hostA}\t{hostA}\t{hostA}\t{hostA}", status);
            Assert.Equal("0", (await ExecAsync(a.Uuid!, "id -u")).Stdout.Trim());

            // A restart of the instance and of berthd keeps the range (it is stored with the instance).
            await Berthd.Client.StopVmAsync(a.Uuid!, new StopRequest { Timeout = 20 });
            await Berthd.KillAsync();
            await Berthd.StartProcessAsync();
            Manifest restarted = await Berthd.Client.StartVmAsync(a.Uuid!);
            Assert.Equal(hostA, (await MapOfAsync(restarted)).HostUid);

            // Delete frees the range: the next instance gets the lowest free one, which is a's.
            await Berthd.Client.DeleteVmAsync(a.Uuid!);
            Manifest created = await Berthd.CreateAsync(Berthd.Manifest("userns-c", 93));
            c = created.Uuid;
            Assert.Equal(hostA, (await MapOfAsync(created)).HostUid);
        }
        finally
        {
            await DeleteAllAsync(a.Uuid, b.Uuid, c);
        }
    }

    [Fact]
    public async Task FilesKeepTheirInsideIdsOnThePoolThroughSnapshotsAndSendReceive()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("userns-files", 94));
        string? received = null;
        try
        {
            await ExecAsync(vm.Uuid!, "touch /root/by-root /root/by-1000 && chown 1000:1001 /root/by-1000 && sync");
            // Idmapped root: on the pool the files have the IDs they have inside, not the instance's host range.
            string dataset = DatasetDir("default", vm.Uuid!);
            Assert.Equal("0:0", (await Sh.RunCheckedAsync("stat", "-c", "%u:%g", Path.Combine(dataset, "root", "by-root"))).Trim());
            Assert.Equal("1000:1001", (await Sh.RunCheckedAsync("stat", "-c", "%u:%g", Path.Combine(dataset, "root", "by-1000"))).Trim());
            Assert.Equal("0:0 1000:1001", (await ExecAsync(vm.Uuid!, "stat -c %u:%g /root/by-root /root/by-1000")).Stdout.Trim().Replace('\n', ' '));

            // A snapshot keeps them: change the owner, roll back, and the old owner is back.
            await Berthd.Client.CreateSnapshotAsync(vm.Uuid!, "ids");
            await ExecAsync(vm.Uuid!, "chown 2000:2000 /root/by-1000");
            await Berthd.Client.RollbackSnapshotAsync(vm.Uuid!, "ids");
            await Berthd.WaitForStateAsync(vm.Uuid!, "running");
            Assert.Equal("1000:1001", (await ExecAsync(vm.Uuid!, "stat -c %u:%g /root/by-1000")).Stdout.Trim());

            // send/receive as a new instance: it gets a range of its own, and the files the same IDs inside.
            using var stream = new MemoryStream();
            await Berthd.Client.SendVmAsync(vm.Uuid!, stream);
            await Berthd.Client.DeleteVmAsync(vm.Uuid!); // frees its alias and IP for the copy, as after a move
            Manifest copy = await Berthd.Client.ReceiveVmAsync(new MemoryStream(stream.ToArray()), "default", true);
            received = copy.Uuid;
            Manifest running = await Berthd.Client.StartVmAsync(received!);
            Assert.Equal("1000:1001", (await Sh.RunCheckedAsync("stat", "-c", "%u:%g", Path.Combine(DatasetDir("default", received!), "root", "by-1000"))).Trim());
            Assert.Equal("0:0 1000:1001", (await ExecAsync(received!, "stat -c %u:%g /root/by-root /root/by-1000")).Stdout.Trim().Replace('\n', ' '));
            Assert.True((await MapOfAsync(running)).HostUid >= IdRange.Base);
        }
        finally
        {
            await DeleteAllAsync(vm.Uuid, received);
        }
    }

    [Fact]
    public async Task ProbeSuitePassesInADefaultInstance()
    {
        RootOnly.Require();
        await using ProbeRunner probes = await ProbeRunner.StartAsync();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("userns-probe", 95));
        try
        {
            string target = Path.Combine(DatasetDir("default", vm.Uuid!), "probe");
            File.Copy(probes.Binary, target);
            ExecResult run = await Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = ["/probe", .. probes.Args] });
            TestContext.Current.TestOutputHelper?.WriteLine(run.Stdout + run.Stderr);
            Assert.True(run.ExitCode == 0, $"probes failed in a default instance:\n{run.Stdout}{run.Stderr}");
            Assert.Contains("PASS mount:", run.Stdout);
            Assert.Contains("PASS host_processes:", run.Stdout);
            Assert.DoesNotContain("FAIL", run.Stdout);
        }
        finally
        {
            await DeleteAllAsync(vm.Uuid);
        }
    }
}
