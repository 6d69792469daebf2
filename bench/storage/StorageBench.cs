using System.Diagnostics;
using Berth.Core;
using Berth.Core.Host;
using Berth.Core.Storage;

namespace Berth.Bench.Storage;

/// <summary>One side's create and delete of the same subvolume i: the driver's or the btrfs command's.</summary>
internal sealed record Side(Func<int, Task> Create, Func<int, Task> Delete);

/// <summary>Timings of both sides: create then delete, driver and command.</summary>
internal sealed record PairResult(Stats Create, Stats CreateCommand, Stats Delete, Stats DeleteCommand);

/// <summary>The timed parts: driver operations against the bare btrfs commands, and clone time as instances pile up.</summary>
internal sealed class StorageBench(IStorageDriver pool, Options options, CancellationToken ct)
{
    public const string Image = "images/bench-image";
    private const string CommandGroup = "cmd";

    // Created then deleted in batches this size, so the pool holds about as many subvolumes throughout (clone time grows with them).
    private const int Batch = 10;

    private readonly string _mount = pool.Spec.Mountpoint;

    /// <summary>Makes the group directory of the commands' subvolumes once, outside any timing.</summary>
    public void Prepare() => Directory.CreateDirectory(Path.Combine(_mount, CommandGroup));

    /// <summary>Clone-from-image and delete of the clone: driver (ioctls, in process) against `btrfs subvolume snapshot/delete`.</summary>
    public Task<PairResult> CloneAndDeleteAsync()
    {
        string imagePath = pool.DatasetPath(Image);
        return PairAsync(
            new Side(i => pool.CloneAsync(Image, $"instances/clone-{i}", ct), i => pool.DeleteAsync($"instances/clone-{i}", ct)),
            new Side(i => RunBtrfsAsync("subvolume", "snapshot", imagePath, CommandPath($"clone-{i}")),
                i => RunBtrfsAsync("subvolume", "delete", CommandPath($"clone-{i}"))));
    }

    /// <summary>
    /// Snapshot of an instance through <see cref="IDatasetSnapshots.CreateSnapshotAsync"/> against `btrfs subvolume snapshot -r`;
    /// while the driver does not implement snapshots yet, its writable clone stands in (against the command without -r).
    /// </summary>
    public async Task<(PairResult Result, string Operation)> SnapshotAsync()
    {
        const string source = "instances/snapshot-source";
        await pool.CloneAsync(Image, source, ct).ConfigureAwait(false);
        string sourcePath = pool.DatasetPath(source);
        if (await SnapshotsWorkAsync(source).ConfigureAwait(false))
        {
            PairResult snapshots = await PairAsync(
                new Side(i => pool.CreateSnapshotAsync(source, $"s-{i}", ct), i => pool.DeleteSnapshotAsync(source, $"s-{i}", ct)),
                new Side(i => RunBtrfsAsync("subvolume", "snapshot", "-r", sourcePath, CommandPath($"snap-{i}")),
                    i => RunBtrfsAsync("subvolume", "delete", CommandPath($"snap-{i}")))).ConfigureAwait(false);
            return (snapshots, "snapshot of an instance (CreateSnapshotAsync vs `btrfs subvolume snapshot -r`)");
        }

        PairResult clones = await PairAsync(
            new Side(i => pool.CloneAsync(source, $"instances/snap-{i}", ct), i => pool.DeleteAsync($"instances/snap-{i}", ct)),
            new Side(i => RunBtrfsAsync("subvolume", "snapshot", sourcePath, CommandPath($"snap-{i}")),
                i => RunBtrfsAsync("subvolume", "delete", CommandPath($"snap-{i}")))).ConfigureAwait(false);
        return (clones, "snapshot of an instance (CloneAsync stand-in vs `btrfs subvolume snapshot`)");
    }

    /// <summary>Clones <see cref="Options.Scale"/> instances from the one image and keeps them; returns each clone's time in order.</summary>
    public async Task<List<double>> ScaleAsync()
    {
        await SettleAsync().ConfigureAwait(false);
        var times = new List<double>(options.Scale);
        for (int i = 0; i < options.Scale; i++)
        {
            times.Add(await TimeAsync(() => pool.CloneAsync(Image, $"instances/scale-{i:D4}", ct)).ConfigureAwait(false));
        }

        return times;
    }

    /// <summary>Waits until the cleaner has dropped deleted subvolumes and the filesystem is flushed, so earlier work does not land on what is timed next.</summary>
    public async Task SettleAsync()
    {
        await RunBtrfsAsync("subvolume", "sync", _mount).ConfigureAwait(false);
        await CommandRunner.Default.RunCheckedAsync("sync", ["-f", _mount], ct: ct).ConfigureAwait(false);
    }

    /// <summary>Tries one snapshot; a driver without snapshots yet says so and the caller falls back.</summary>
    private async Task<bool> SnapshotsWorkAsync(string source)
    {
        try
        {
            await pool.CreateSnapshotAsync(source, "probe", ct).ConfigureAwait(false);
            await pool.DeleteSnapshotAsync(source, "probe", ct).ConfigureAwait(false);
            return true;
        }
        catch (BerthException e)
        {
            Console.WriteLine($"note: CreateSnapshotAsync is not usable on this build ({e.Kind}: {e.Message});");
            Console.WriteLine("      the snapshot row measures the driver's CloneAsync of the instance instead (a writable snapshot).");
            return false;
        }
    }

    /// <summary>
    /// Warm-up then timed runs, in batches: create a batch on both sides, then delete it on both sides. Within a batch each
    /// subvolume is made by both sides in turn, alternating which goes first, so drift and load hit both alike.
    /// </summary>
    private async Task<PairResult> PairAsync(Side driver, Side command)
    {
        await SettleAsync().ConfigureAwait(false);
        List<double> create = [], createCommand = [], delete = [], deleteCommand = [];
        int total = options.Warmup + options.Runs;
        for (int start = 0; start < total; start += Batch)
        {
            int end = Math.Min(start + Batch, total);
            for (int i = start; i < end; i++)
            {
                await BothAsync(i, driver.Create, command.Create, create, createCommand).ConfigureAwait(false);
            }

            for (int i = start; i < end; i++)
            {
                await BothAsync(i, driver.Delete, command.Delete, delete, deleteCommand).ConfigureAwait(false);
            }
        }

        return new PairResult(Stats.Of(create), Stats.Of(createCommand), Stats.Of(delete), Stats.Of(deleteCommand));
    }

    private async Task BothAsync(int i, Func<int, Task> driver, Func<int, Task> command, List<double> driverTimes, List<double> commandTimes)
    {
        double d, c;
        if (i % 2 == 0)
        {
            d = await TimeAsync(() => driver(i)).ConfigureAwait(false);
            c = await TimeAsync(() => command(i)).ConfigureAwait(false);
        }
        else
        {
            c = await TimeAsync(() => command(i)).ConfigureAwait(false);
            d = await TimeAsync(() => driver(i)).ConfigureAwait(false);
        }

        // The first runs warm the JIT and caches: not counted.
        if (i >= options.Warmup)
        {
            driverTimes.Add(d);
            commandTimes.Add(c);
        }
    }

    private static async Task<double> TimeAsync(Func<Task> operation)
    {
        long start = Stopwatch.GetTimestamp();
        await operation().ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The commands' subvolumes live in their own group of the pool, so the final cleanup finds them as datasets too.</summary>
    private string CommandPath(string name) => Path.Combine(_mount, CommandGroup, name);

    // The process run as a user pays it: start, the btrfs CLI's work, exit.
    private Task RunBtrfsAsync(params string[] args) => CommandRunner.Default.RunCheckedAsync("btrfs", args, ct: ct);
}
