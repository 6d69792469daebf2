using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.SystemTests.Cli;

namespace Berth.SystemTests.Daemon;

/// <summary>Snapshots and live quotas of instances through berthd: real btrfs on a loop file, real crun, real cgroup freezer.</summary>
public sealed class SnapshotTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const string DataFile = "/data.txt";

    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task RollbacksKeepHistoryAndEachBringsBackItsContent()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-hist", 51));
        try
        {
            await WriteAsync(vm, "one");
            Snapshot first = await Berthd.Client.CreateSnapshotAsync("snap-hist", "first");
            Assert.Equal("first", first.Name);
            await WriteAsync(vm, "two");
            await Berthd.Client.CreateSnapshotAsync("snap-hist", "second");
            await WriteAsync(vm, "three");

            RollbackResult toFirst = await Berthd.Client.RollbackSnapshotAsync("snap-hist", "first");
            Assert.True(toFirst.Restarted, "a running instance is stopped and started again");
            Assert.Equal("running", toFirst.Manifest.State);
            Assert.Equal("one", await ReadAsync(vm));

            RollbackResult toSecond = await Berthd.Client.RollbackSnapshotAsync("snap-hist", "second");
            Assert.Equal("two", await ReadAsync(vm));

            // The state before each rollback was saved: rolling back to the first automatic one brings back "three".
            // Compared as a set: the order is the driver's (by creation time), which is not what this test is about.
            List<string> names = [.. (await Berthd.Client.ListSnapshotsAsync("snap-hist")).Select(s => s.Name).Order(StringComparer.Ordinal)];
            Assert.Equal(new[] { "first", "second", toFirst.SavedAs, toSecond.SavedAs }.Order(StringComparer.Ordinal), names);
            Assert.StartsWith("rollback-", toFirst.SavedAs, StringComparison.Ordinal);
            RollbackResult undo = await Berthd.Client.RollbackSnapshotAsync("snap-hist", toFirst.SavedAs);
            Assert.Equal("three", await ReadAsync(vm));

            // And rolling back that rollback gives "two" again: nothing was lost on the way.
            await Berthd.Client.RollbackSnapshotAsync("snap-hist", undo.SavedAs);
            Assert.Equal("two", await ReadAsync(vm));
            Assert.Equal(6, (await Berthd.Client.ListSnapshotsAsync("snap-hist")).Count);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task SnapshotOfARunningContainerThawsItAndItKeepsRunning()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-live", 52));
        try
        {
            // A writer that runs through the snapshot: it must still be running, and writing, afterwards.
            await Exec(vm, "sh", "-c", "(i=0; while :; do i=$((i+1)); echo $i > /ticks; done) >/dev/null 2>&1 &");
            await Berthd.Client.CreateSnapshotAsync("snap-live", "live");

            Manifest after = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.Equal("running", after.State);
            Assert.Equal(vm.Pid, after.Pid);
            string freezer = Path.Combine("/sys/fs/cgroup/freezer", Berthd.Host.CgroupParent, vm.Uuid!, "freezer.state");
            Assert.Equal("THAWED", (await File.ReadAllTextAsync(freezer)).Trim());
            string before = await ReadAsync(vm, "/ticks");
            Assert.True(await PollAsync(async () => await ReadAsync(vm, "/ticks") != before), "the writer keeps writing after the snapshot");
            Assert.Contains(await Berthd.Client.ListSnapshotsAsync(vm.Uuid!), s => s.Name == "live");
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task RollbackOfAStoppedInstanceLeavesItStopped()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-stopped", 53, "\"autoboot\": false"));
        try
        {
            string dataset = (await Berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty("dataset").GetString()!;
            string file = Path.Combine(dataset, "data.txt");
            await File.WriteAllTextAsync(file, "before");
            await Berthd.Client.CreateSnapshotAsync(vm.Uuid!, "cold");
            await File.WriteAllTextAsync(file, "after");

            RollbackResult result = await Berthd.Client.RollbackSnapshotAsync(vm.Uuid!, "cold");
            Assert.False(result.Restarted);
            Assert.Equal("stopped", result.Manifest.State);
            Assert.Equal("before", await File.ReadAllTextAsync(file));

            await Berthd.Client.DeleteSnapshotAsync(vm.Uuid!, "cold");
            Assert.Equal([result.SavedAs], (await Berthd.Client.ListSnapshotsAsync(vm.Uuid!)).Select(s => s.Name));
            BerthApiException gone = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.DeleteSnapshotAsync(vm.Uuid!, "cold"));
            Assert.Equal(404, gone.Status);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task BadNamesTakenNamesAndMissingSnapshotsAreRefusedWithoutStopping()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-bad", 54));
        try
        {
            BerthApiException bad = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.CreateSnapshotAsync(vm.Uuid!, "no spaces"));
            Assert.Equal(400, bad.Status);
            Assert.Contains(bad.Errors, e => e.Property == "name");

            await Berthd.Client.CreateSnapshotAsync(vm.Uuid!, "taken");
            BerthApiException taken = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.CreateSnapshotAsync(vm.Uuid!, "taken"));
            Assert.Equal(409, taken.Status);

            BerthApiException missing = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.RollbackSnapshotAsync(vm.Uuid!, "nonesuch"));
            Assert.Equal(404, missing.Status);
            Manifest after = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.Equal("running", after.State);
            Assert.Equal(vm.Pid, after.Pid);
            Assert.Equal(["taken"], (await Berthd.Client.ListSnapshotsAsync(vm.Uuid!)).Select(s => s.Name));
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task QuotaGrowsLiveAndRefusesToShrinkBelowUse()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-quota", 55));
        try
        {
            string[] write = ["dd", "if=/dev/zero", "of=/big", "bs=1M", "count=1200"];
            ExecResult full = await Exec(vm, write);
            Assert.NotEqual(0, full.ExitCode);
            Assert.Contains("Disk quota exceeded", full.Stderr);
            Assert.Equal(0, (await Exec(vm, "sh", "-c", "rm /big && sync")).ExitCode);

            UpdateResult grown = await Berthd.Client.UpdateVmAsync("snap-quota", BerthClient.Utf8("""{"quota": 2}"""));
            Assert.Empty(grown.RestartRequired);
            ExecResult fits = await Exec(vm, write);
            Assert.True(fits.ExitCode == 0, $"the same write fits under the raised quota: {fits.Stderr}");
            Manifest after = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.Equal(vm.Pid, after.Pid);
            Assert.Equal(2, after.Quota);

            await Exec(vm, "sync");
            JsonElement info = await Berthd.Client.GetVmInfoAsync(vm.Uuid!);
            long used = info.GetProperty("quota_used_bytes").GetInt64();
            long available = info.GetProperty("quota_available_bytes").GetInt64();
            Assert.InRange(used, 1200L << 20, 2L << 30);
            Assert.Equal((2L << 30) - used, available);

            BerthApiException refused = await Assert.ThrowsAsync<BerthApiException>(() =>
                Berthd.Client.UpdateVmAsync("snap-quota", BerthClient.Utf8("""{"quota": 1}""")));
            Assert.Equal(400, refused.Status);
            PropertyError error = Assert.Single(refused.Errors, e => e.Property == "quota");
            Assert.Matches(@"^1 GiB is below the 1\.\d GiB the instance uses$", error.Message);
            Assert.Equal(2, (await Berthd.Client.GetVmAsync(vm.Uuid!)).Quota);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task VmadmAliasesWorkThroughTheBerthProgram()
    {
        RootOnly.Require();
        var cli = new BerthCli(Berthd.Host.Socket);
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("snap-cli", 56));
        try
        {
            await WriteAsync(vm, "cli-one");
            (await cli.RunAsync("vm", "create-snapshot", "snap-cli", "cli1")).Ok();
            await WriteAsync(vm, "cli-two");
            (await cli.RunAsync("vm", "snapshot", "create", "snap-cli", "cli2")).Ok();
            List<Snapshot> listed = (await cli.RunAsync("vm", "snapshot", "list", "snap-cli", "-j")).Json(BerthJson.Default.ListSnapshot);
            Assert.Equal(["cli1", "cli2"], listed.Select(s => s.Name));

            CliResult rolled = (await cli.RunAsync("vm", "rollback-snapshot", "snap-cli", "cli1")).Ok();
            Assert.Contains("stopped, rolled back and started again", rolled.Stderr);
            Assert.Equal("cli-one", await ReadAsync(vm));
            RollbackResult json = (await cli.RunAsync("vm", "snapshot", "rollback", "snap-cli", "cli2", "-j")).Json(BerthJson.Default.RollbackResult);
            Assert.True(json.Restarted);
            Assert.Equal("cli-two", await ReadAsync(vm));

            (await cli.RunAsync("vm", "delete-snapshot", "snap-cli", "cli1")).Ok();
            (await cli.RunAsync("vm", "snapshot", "delete", "snap-cli", "cli2")).Ok();
            CliResult table = (await cli.RunAsync("vm", "snapshot", "list", "snap-cli")).Ok();
            Assert.Equal("NAME", table.Lines[0].Split(' ')[0]);
            Assert.DoesNotContain(table.Lines, l => l.StartsWith("cli", StringComparison.Ordinal));

            CliResult bad = await cli.RunAsync("vm", "snapshot", "create", "snap-cli", "bad/name");
            Assert.True(bad.ExitCode == 1, bad.ToString());
            Assert.Contains("name:", bad.Stderr);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    private async Task WriteAsync(Manifest vm, string content)
    {
        ExecResult r = await Exec(vm, "sh", "-c", $"printf %s '{content}' > {DataFile}");
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    /// <summary>The file's content read inside the instance, by uuid, after a rollback polls until it runs again.</summary>
    private async Task<string> ReadAsync(Manifest vm, string path = DataFile)
    {
        Assert.Equal("running", (await Berthd.WaitForStateAsync(vm.Uuid!, "running")).State);
        ExecResult r = await Exec(vm, "cat", path);
        Assert.True(r.ExitCode == 0, $"cat {path}: {r.Stderr}");
        return r.Stdout;
    }

    private Task<ExecResult> Exec(Manifest vm, params string[] argv) =>
        Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = [.. argv] });

    private static async Task<bool> PollAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }
}
