using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Core.Host;

namespace Berth.SystemTests.Daemon;

/// <summary>No leaks: many instances come and go and berthd's fds, memory and the host's resources stay flat.</summary>
[Collection(RunAlone.Name)]
public sealed class SoakTests
{
    private const int Workers = 4;

    [Fact]
    public async Task ThousandLifecyclesLeaveFdsMemoryAndTheHostFlat()
    {
        RootOnly.Require();
        int cycles = int.TryParse(Environment.GetEnvironmentVariable("BERTH_SOAK_CYCLES"), out int n) ? n : 1000;
        int warmUp = Math.Min(100, cycles / 2); // the warm-up: 100 cycles (fewer only when BERTH_SOAK_CYCLES is small)
        await using Berthd berthd = await Berthd.StartAsync();
        HostFigures before = await HostFigures.ReadAsync(berthd);
        int fdsIdle = FdCount(berthd.Pid);
        var everCreated = new System.Collections.Concurrent.ConcurrentBag<string>();

        var clock = Stopwatch.StartNew();
        // The start: berthd serving at the soak's concurrency (a pooled store connection and a client connection per worker).
        await RunCyclesAsync(berthd, 2 * Workers, everCreated);
        int fdsAtStart = FdCount(berthd.Pid);
        await RunCyclesAsync(berthd, warmUp - 2 * Workers, everCreated);
        long rssAfterWarmUp = RssBytes(berthd.Pid);
        int fdsAfterWarmUp = FdCount(berthd.Pid);
        Say($"warm-up: {warmUp} cycles in {clock.Elapsed.TotalSeconds:0.0} s; fds {fdsIdle} idle, {fdsAtStart} after {2 * Workers} cycles, {fdsAfterWarmUp} after the warm-up; RSS {rssAfterWarmUp >> 20} MiB");

        await RunCyclesAsync(berthd, cycles - warmUp, everCreated);
        long rssAtEnd = RssBytes(berthd.Pid);
        int fdsAtEnd = FdCount(berthd.Pid);
        HostFigures after = await HostFigures.ReadAsync(berthd);
        Say($"{cycles} create/start/stop -F/delete cycles ({Workers} in parallel) in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({clock.Elapsed.TotalMilliseconds / cycles:0.0} ms a cycle); fds {fdsAtStart} at start, {fdsAtEnd} at the end; " +
            $"RSS {rssAfterWarmUp >> 20} MiB after the warm-up, {rssAtEnd >> 20} MiB at the end ({100.0 * (rssAtEnd - rssAfterWarmUp) / rssAfterWarmUp:+0.0;-0.0}%)");
        Say($"host before: {before}");
        Say($"host after:  {after}");

        Assert.True(fdsAtEnd <= fdsAtStart + 5, $"berthd holds {fdsAtEnd} fds, {fdsAtStart} at the start");
        Assert.True(rssAtEnd <= rssAfterWarmUp * 1.10, $"berthd's RSS grew from {rssAfterWarmUp >> 20} MiB to {rssAtEnd >> 20} MiB");
        Assert.Equal(before, after);
        Assert.Empty(await berthd.Client.ListVmsAsync());
        Assert.Empty(await HostAudit.CheckAsync(berthd, everCreated));
    }

    [Fact]
    public async Task SixteenLifecyclesInParallelAllSucceedAndLeaveNothing()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        HostFigures before = await HostFigures.ReadAsync(berthd);
        var everCreated = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            Manifest m = await berthd.CreateAsync(Berthd.Manifest($"par-{i}", 100 + i));
            everCreated.Add(m.Uuid!);
            Assert.Equal("running", m.State);
            Assert.True(await berthd.Host.PingAsync($"10.77.0.{100 + i}"), $"par-{i} answers a ping");
            await berthd.Client.SnapshotAndStopAsync(m.Uuid!);
            Assert.Equal("running", (await berthd.Client.StartVmAsync(m.Uuid!)).State);
            await berthd.Client.DeleteVmAsync(m.Uuid!);
        })));
        Say($"16 lifecycles (create, ping, snapshot, stop -F, start, delete) in parallel in {clock.Elapsed.TotalSeconds:0.0} s");

        Assert.Empty(await berthd.Client.ListVmsAsync());
        Assert.Empty(await HostAudit.CheckAsync(berthd, everCreated));
        Assert.Equal(before, await HostFigures.ReadAsync(berthd));
    }

    private static async Task RunCyclesAsync(Berthd berthd, int count, System.Collections.Concurrent.ConcurrentBag<string> everCreated)
    {
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                Manifest m = await berthd.CreateAsync(Berthd.Manifest($"soak-{w}", 20 + w, "\"autoboot\": false"));
                everCreated.Add(m.Uuid!);
                await berthd.Client.StartVmAsync(m.Uuid!);
                await berthd.Client.StopVmAsync(m.Uuid!, new StopRequest { Force = true });
                await berthd.Client.DeleteVmAsync(m.Uuid!);
            }
        })));
    }

    private static int FdCount(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static long RssBytes(int pid)
    {
        string line = File.ReadAllLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    private static void Say(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    /// <summary>What the host holds of this berthd: namespaces, links, cgroups, subvolumes, mounts, nft rules.</summary>
    private sealed record HostFigures(int NsfsMounts, int Links, int Cgroups, int Subvolumes, int Mounts, int NftLines, int Processes)
    {
        public static async Task<HostFigures> ReadAsync(Berthd berthd)
        {
            TestHost host = berthd.Host;
            string[] mounts = File.ReadAllLines("/proc/self/mountinfo");
            string links = (await host.InNetnsAsync("ip", "-o", "link")).Stdout;
            int cgroups = Directory.GetDirectories("/sys/fs/cgroup")
                .Select(c => Path.Combine(c, host.CgroupParent))
                .Where(Directory.Exists)
                .Sum(d => Directory.GetDirectories(d, "*", SearchOption.AllDirectories).Length);
            string pool = Path.Combine(host.StateDir, "pools", "default");
            CommandResult subvolumes = await CommandRunner.Default.RunCheckedAsync("btrfs", ["subvolume", "list", pool]);
            CommandResult nft = await host.InNetnsAsync("nft", "list", "ruleset");
            int processes = Directory.GetDirectories("/proc").Count(d => int.TryParse(Path.GetFileName(d), out _) && MentionsHost(d, host));
            return new HostFigures(
                mounts.Count(l => l.Contains(" nsfs ", StringComparison.Ordinal) && (l.Contains(host.RunDir, StringComparison.Ordinal) || l.Contains(host.StateDir, StringComparison.Ordinal))),
                links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
                cgroups,
                // Clone generations of the image (BtrfsDriver.Generations) are a cache of the image, bounded, not instances'.
                subvolumes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.Contains(".generations/", StringComparison.Ordinal)),
                mounts.Count(l => l.Contains(host.RunDir, StringComparison.Ordinal) || l.Contains(host.StateDir, StringComparison.Ordinal)),
                nft.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length,
                processes);
        }

        // conmon monitors and container inits name the test host's directories on their command lines.
        private static bool MentionsHost(string procDir, TestHost host)
        {
            try
            {
                string cmdline = File.ReadAllText(Path.Combine(procDir, "cmdline"));
                return cmdline.Contains(host.RunDir, StringComparison.Ordinal) && !cmdline.Contains("berthd", StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}

internal static class SoakClientExtensions
{
    /// <summary>Takes a snapshot of a running instance (frozen around it), then stops it with force.</summary>
    public static async Task SnapshotAndStopAsync(this Berth.Client.BerthClient client, string uuid)
    {
        await client.CreateSnapshotAsync(uuid, "par");
        await client.StopVmAsync(uuid, new StopRequest { Force = true });
    }
}
