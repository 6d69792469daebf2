using System.Diagnostics;
using Berth.Bench.Storage;
using Berth.Core;
using Berth.Core.Host;
using Berth.Core.Storage;

// Storage benchmark (issue 3): the btrfs driver in process against the bare btrfs commands, and clone time at scale.
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (Environment.UserName != "root")
{
    Console.Error.WriteLine("run as root: the benchmark makes a btrfs pool on a loop file");
    return 2;
}

using var cancel = new CancellationTokenSource();
// Ctrl-C cancels the run; the finally below still deletes the datasets and the pool.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
CancellationToken ct = cancel.Token;

// Simple quotas are the pool's default; classic qgroups and none are there to compare.
var manager = new PoolManager(CommandRunner.Default, preferSimpleQuotas: options.Quota != "qgroup");
var spec = new PoolSpec($"bench{Environment.ProcessId}", "btrfs", null, Path.Combine(options.WorkDir, "pool.img"), options.PoolBytes,
    Path.Combine(options.WorkDir, "pool"));
IStorageDriver? pool = null;
try
{
    var btrfsVersion = await CommandRunner.Default.RunCheckedAsync("btrfs", ["--version"], ct: ct);
    Console.WriteLine($"# Storage benchmark: runs={options.Runs} warmup={options.Warmup} scale={options.Scale} files={options.Files} " +
        $"pool={options.PoolBytes >> 30} GiB loop file in {options.WorkDir}");
    Console.WriteLine($"# kernel {Environment.OSVersion.Version}, {btrfsVersion.Stdout.Trim()}, {Environment.ProcessorCount} CPUs, " +
        $"load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

    pool = await manager.CreatePoolAsync(spec, ct);
    if (options.Quota == "none")
    {
        await CommandRunner.Default.RunCheckedAsync("btrfs", ["quota", "disable", spec.Mountpoint], ct: ct);
        // Opening again detects the quota mode now on (none), so the driver stops touching qgroups.
        pool = await manager.OpenPoolAsync(spec, ct);
    }

    Console.WriteLine($"# pool {spec.Name}: driver {pool.Info.Name}, quota mode {pool.Info.QuotaMode}");

    var fill = Stopwatch.StartNew();
    await pool.CreateAsync(StorageBench.Image, ct);
    var (files, bytes) = await ImageTree.FillAsync(pool.DatasetPath(StorageBench.Image), options.Files, ct);
    // Flush the image so the first snapshot does not pay for writing it back.
    await CommandRunner.Default.RunCheckedAsync("sync", ["-f", pool.DatasetPath(StorageBench.Image)], ct: ct);
    int entries = Directory.EnumerateFileSystemEntries(pool.DatasetPath(StorageBench.Image), "*", SearchOption.AllDirectories).Count();
    Console.WriteLine($"# image {StorageBench.Image}: busybox rootfs + {files} files ({bytes >> 20} MiB), {entries} entries, built in {fill.Elapsed.TotalSeconds:F1} s");

    var bench = new StorageBench(pool, options, ct);
    bench.Prepare();
    Console.WriteLine();
    Console.WriteLine("## Driver (in process, ioctls) against the bare btrfs commands (process run)");
    Console.WriteLine();
    var (snapshot, snapshotOp) = await bench.SnapshotAsync();
    PairResult clone = await bench.CloneAndDeleteAsync();
    Console.WriteLine();
    Report.PairHeader();
    Report.PairRow(snapshotOp, snapshot.Create, snapshot.CreateCommand);
    Report.PairRow("clone from image (CloneAsync vs `btrfs subvolume snapshot`)", clone.Create, clone.CreateCommand);
    Report.PairRow("delete of that clone (DeleteAsync vs `btrfs subvolume delete`)", clone.Delete, clone.DeleteCommand);
    Console.WriteLine();
    Console.WriteLine("Each row: subvolumes made and deleted in batches of 10, so the pool holds at most ~20 besides the image.");
    Console.WriteLine();
    Console.WriteLine("Target: driver / command at most 1.3x.");

    Console.WriteLine();
    Console.WriteLine($"## Clone time as instances pile up: {options.Scale} clones of one image, kept (quota mode {pool.Info.QuotaMode})");
    Console.WriteLine();
    List<double> scale = await bench.ScaleAsync();
    Stats first = Stats.Of(scale[..10]);
    Stats last = Stats.Of(scale[^10..]);
    Console.WriteLine("| clones | median (ms) | p90 (ms) | min (ms) | max (ms) | n |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Report.StatsRow("1st (first 10)", first);
    for (int from = 0; from < scale.Count; from += Math.Max(scale.Count / 5, 10))
    {
        int to = Math.Min(from + Math.Max(scale.Count / 5, 10), scale.Count);
        Report.StatsRow($"{from + 1}-{to}", Stats.Of(scale[from..to]));
    }

    Report.StatsRow($"{options.Scale}th (last 10)", last);
    Console.WriteLine();
    Console.WriteLine($"Ratio {options.Scale}th / 1st (medians of 10): {last.Median / first.Median:F2}x (target: at most 2x)");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled; cleaning up");
    return 130;
}
catch (Exception e)
{
    Console.Error.WriteLine($"benchmark failed: {e}");
    return 1;
}
finally
{
    await CleanupAsync(manager, pool, options.WorkDir);
}

// Deletes every dataset (instances, images, the commands' subvolumes), then the pool: unmount, loop device, file.
static async Task CleanupAsync(PoolManager manager, IStorageDriver? pool, string workDir)
{
    if (pool is null)
    {
        return;
    }

    try
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> datasets = await pool.ListAsync("");
        foreach (string dataset in datasets)
        {
            await pool.DeleteAsync(dataset);
        }

        await manager.DeletePoolAsync(pool);
        TryDelete(workDir);
        Console.WriteLine($"# cleaned up: {datasets.Count} datasets and pool {pool.Spec.Name} deleted in {clock.Elapsed.TotalSeconds:F1} s");
    }
    catch (Exception e)
    {
        Console.Error.WriteLine($"cleanup failed, check {workDir} (mount, loop device): {e.Message}");
    }
}

static void TryDelete(string dir)
{
    if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
    {
        Directory.Delete(dir);
    }
}
