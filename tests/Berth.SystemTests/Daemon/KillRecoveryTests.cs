using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Client;

namespace Berth.SystemTests.Daemon;

/// <summary>
/// berthd SIGKILLed at random points of create, update, delete, snapshot and rollback: after each restart every
/// instance is complete and in a true state, or gone without a trace. BERTH_KILL_SEED replays a run.
/// </summary>
public sealed class KillRecoveryTests
{
    private const int Rounds = 12; // five mutations in flight per kill: 60 kill points
    private const string Marker = "berth-kill-marker";

    private sealed record Op(string Verb, string Uuid, int StartMs);

    [Fact]
    public async Task SigkillAtRandomPointsLeavesEachInstanceWholeOrGone()
    {
        RootOnly.Require();
        int seed = int.TryParse(Environment.GetEnvironmentVariable("BERTH_KILL_SEED"), out int given) ? given : Random.Shared.Next();
        Say($"BERTH_KILL_SEED={seed} (set it to replay this run)");
        var random = new Random(seed);
        await using Berthd berthd = await Berthd.StartAsync();
        var everCreated = new List<string>();
        var freeHosts = new Queue<int>(Enumerable.Range(10, 200));
        var hostOf = new Dictionary<string, int>();
        int points = 0;

        async Task<Manifest> CreateAsync(bool run)
        {
            int n = freeHosts.Dequeue();
            Manifest m = await berthd.CreateAsync(Berthd.Manifest($"k{n}-{Guid.NewGuid():N}"[..12], n, run ? "" : "\"autoboot\": false"));
            everCreated.Add(m.Uuid!);
            hostOf[m.Uuid!] = n;
            return m;
        }

        for (int round = 0; round < Rounds; round++)
        {
            // Four targets, each running or stopped at random; the rollback target has a snapshot "base" and changed files since.
            List<Manifest> vms = await berthd.Client.ListVmsAsync();
            while (vms.Count < 4)
            {
                vms.Add(await CreateAsync(random.Next(2) == 0));
            }

            List<Manifest> targets = [.. vms.OrderBy(_ => random.Next()).Take(4)];
            Manifest rollbackTarget = targets[3];
            string rootfs = Path.Combine(berthd.Host.StateDir, "pools", "default", "instances", rollbackTarget.Uuid!);
            await File.WriteAllTextAsync(Path.Combine(rootfs, Marker), "base");
            string baseName = $"base-{round}";
            await berthd.Client.CreateSnapshotAsync(rollbackTarget.Uuid!, baseName);
            await File.WriteAllTextAsync(Path.Combine(rootfs, Marker), "changed");
            HashSet<string> savedBefore = [.. (await berthd.Client.ListSnapshotsAsync(rollbackTarget.Uuid!)).Select(s => s.Name)];

            int killMs = random.Next(20, 450);
            Op[] ops =
            [
                new("create", "", random.Next(killMs + 1)),
                new("update", targets[0].Uuid!, random.Next(killMs + 1)),
                new("delete", targets[1].Uuid!, random.Next(killMs + 1)),
                new("snapshot", targets[2].Uuid!, random.Next(killMs + 1)),
                new("rollback", rollbackTarget.Uuid!, random.Next(killMs + 1)),
            ];
            int quota = random.Next(1, 4);
            int memory = 64 * random.Next(1, 5);
            int createHost = freeHosts.Dequeue();
            string createAlias = $"kc{round}-{seed % 10000}";
            var clock = Stopwatch.StartNew();
            var outcomes = new string[ops.Length];
            Task[] running = [.. ops.Select((op, i) => Task.Run(async () =>
            {
                await Task.Delay(op.StartMs);
                try
                {
                    switch (op.Verb)
                    {
                        case "create":
                            Manifest m = await berthd.CreateAsync(Berthd.Manifest(createAlias, createHost));
                            break;
                        case "update":
                            await berthd.Client.UpdateVmAsync(op.Uuid, BerthClient.Utf8($$"""{"quota": {{quota}}, "max_physical_memory": {{memory}}}"""));
                            break;
                        case "delete":
                            await berthd.Client.DeleteVmAsync(op.Uuid);
                            break;
                        case "snapshot":
                            await berthd.Client.CreateSnapshotAsync(op.Uuid, $"s-{round}");
                            break;
                        case "rollback":
                            await berthd.Client.RollbackSnapshotAsync(op.Uuid, baseName);
                            break;
                    }

                    outcomes[i] = $"done at +{clock.ElapsedMilliseconds} ms";
                }
                catch (Exception e)
                {
                    outcomes[i] = $"cut at +{clock.ElapsedMilliseconds} ms ({e.GetType().Name})";
                }
            }))];

            await Task.Delay(Math.Max(0, killMs - (int)clock.ElapsedMilliseconds));
            int killedAt = (int)clock.ElapsedMilliseconds;
            Assert.Equal(berthd.Pid, berthd.ProcessId); // the SIGKILL hits berthd itself, not a wrapper
            await berthd.KillAsync();
            await Task.WhenAll(running);
            points += ops.Length;
            Say($"round {round}: SIGKILL at +{killedAt} ms; " + string.Join("; ", ops.Select((op, i) => $"{op.Verb} from +{op.StartMs} ms {outcomes[i]}")));

            long logMark = new FileInfo(berthd.LogPath).Length;
            await berthd.StartProcessAsync();
            Say("  recovered: " + string.Join("; ", RecoveryLines(berthd, logMark)));
            // The create's UUID is the daemon's: find it by alias, if it survived.
            foreach (Manifest vm in await berthd.Client.ListVmsAsync())
            {
                if (!everCreated.Contains(vm.Uuid!))
                {
                    everCreated.Add(vm.Uuid!);
                    hostOf[vm.Uuid!] = createHost;
                }
            }

            List<string> problems = await HostAudit.CheckAsync(berthd, everCreated);
            problems.AddRange(await RollbackProblemsAsync(berthd, rollbackTarget.Uuid!, rootfs, savedBefore));
            Assert.True(problems.Count == 0, $"BERTH_KILL_SEED={seed} round {round}:\n{string.Join("\n", problems)}\n--- berthd log tail:\n{LogTail(berthd)}");

            HashSet<string> listed = [.. (await berthd.Client.ListVmsAsync()).Select(v => v.Uuid!)];
            foreach (string gone in hostOf.Keys.Where(u => !listed.Contains(u)).ToList())
            {
                freeHosts.Enqueue(hostOf[gone]);
                hostOf.Remove(gone);
            }

            if (!hostOf.ContainsValue(createHost) && !freeHosts.Contains(createHost))
            {
                freeHosts.Enqueue(createHost);
            }
        }

        Say($"{points} kill points in {Rounds} SIGKILLs, every instance whole or gone (BERTH_KILL_SEED={seed})");
    }

    /// <summary>A rollback that got as far as saving the state before must have been finished by recovery.</summary>
    private static async Task<List<string>> RollbackProblemsAsync(Berthd berthd, string uuid, string rootfs, HashSet<string> savedBefore)
    {
        if (!(await berthd.Client.ListVmsAsync()).Any(v => v.Uuid == uuid))
        {
            return [];
        }

        List<Snapshot> snapshots = await berthd.Client.ListSnapshotsAsync(uuid);
        string marker = await File.ReadAllTextAsync(Path.Combine(rootfs, Marker));
        bool saved = snapshots.Any(s => s.Name.StartsWith("rollback-", StringComparison.Ordinal) && !savedBefore.Contains(s.Name));
        return marker is "base" or "changed" && (!saved || marker == "base") ? [] : [$"rollback target {uuid}: marker \"{marker}\", state before saved: {saved}"];
    }

    /// <summary>The intents the restarted berthd recovered, from its log.</summary>
    private static IEnumerable<string> RecoveryLines(Berthd berthd, long from)
    {
        using var stream = new FileStream(berthd.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(from, SeekOrigin.Begin);
        string text = new StreamReader(stream).ReadToEnd();
        return text.Split('\n').Where(l => l.Contains("Recovering the", StringComparison.Ordinal) || l.Contains("half made", StringComparison.Ordinal) || l.Contains("Removing", StringComparison.Ordinal) || l.Contains("fail", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(l.IndexOf(']') + 1)..].Trim());
    }

    private static string LogTail(Berthd berthd)
    {
        string[] lines = File.Exists(berthd.LogPath) ? File.ReadAllLines(berthd.LogPath) : [];
        return string.Join("\n", lines.TakeLast(60));
    }

    private static void Say(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

/// <summary>The windows the random kills may miss, made on purpose while berthd is down.</summary>
public sealed class IntentWindowTests
{
    [Fact]
    public async Task ASnapshotKilledWhileFrozenIsThawedAndARollbackKilledBetweenItsRenamesIsFinished()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        Manifest frozen = await berthd.CreateAsync(Berthd.Manifest("frozen", 61));
        Manifest swapped = await berthd.CreateAsync(Berthd.Manifest("swapped", 62, "\"autoboot\": false"));
        string instances = Path.Combine(berthd.Host.StateDir, "pools", "default", "instances");
        await File.WriteAllTextAsync(Path.Combine(instances, swapped.Uuid!, "marker"), "base");
        await berthd.Client.CreateSnapshotAsync(swapped.Uuid!, "base");
        await File.WriteAllTextAsync(Path.Combine(instances, swapped.Uuid!, "marker"), "changed");
        await berthd.KillAsync();

        // A snapshot cut after the freeze: the container frozen, the intent journaled.
        string freezer = $"/sys/fs/cgroup/freezer/{berthd.Host.CgroupParent}/{frozen.Uuid}/freezer.state";
        await File.WriteAllTextAsync(freezer, "FROZEN");
        await InsertIntentAsync(berthd.Host, frozen.Uuid!, "snapshot", """{"snapshot":"never-taken","was_running":false}""");
        // A rollback cut between its renames: the live dataset renamed away, the new one not yet in its place.
        await Sh.RunCheckedAsync("btrfs", "subvolume", "snapshot", Path.Combine(berthd.Host.StateDir, "pools", "default", ".snapshots", "instances", swapped.Uuid!, "base"),
            Path.Combine(instances, $".new-{swapped.Uuid}"));
        Directory.Move(Path.Combine(instances, swapped.Uuid!), Path.Combine(instances, $".old-{swapped.Uuid}"));
        await InsertIntentAsync(berthd.Host, swapped.Uuid!, "rollback", """{"snapshot":"base","saved_as":"rollback-test","was_running":false}""");

        await berthd.StartProcessAsync();

        Assert.Equal("THAWED", (await File.ReadAllTextAsync(freezer)).Trim());
        Assert.Equal("running", (await berthd.Client.GetVmAsync(frozen.Uuid!)).State);
        Assert.True(await berthd.Host.PingAsync("10.77.0.61"), "the thawed instance answers");
        Assert.Equal("base", await File.ReadAllTextAsync(Path.Combine(instances, swapped.Uuid!, "marker")));
        Assert.Contains((await berthd.Client.ListSnapshotsAsync(swapped.Uuid!)).Select(s => s.Name), n => n == "rollback-test");
        Assert.False(Directory.Exists(Path.Combine(instances, $".old-{swapped.Uuid}")));
        Assert.False(Directory.Exists(Path.Combine(instances, $".new-{swapped.Uuid}")));
        List<string> problems = await HostAudit.CheckAsync(berthd, [frozen.Uuid!, swapped.Uuid!]);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static async Task InsertIntentAsync(TestHost host, string uuid, string verb, string detail)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(host.StateDir, "berth.db")};Pooling=False");
        await db.OpenAsync();
        await using Microsoft.Data.Sqlite.SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "INSERT INTO intents (instance, verb, manifest, detail, started) VALUES ($i, $v, NULL, $d, $s)";
        cmd.Parameters.AddWithValue("$i", uuid);
        cmd.Parameters.AddWithValue("$v", verb);
        cmd.Parameters.AddWithValue("$d", detail);
        cmd.Parameters.AddWithValue("$s", DateTimeOffset.UtcNow.ToString("O"));
        await cmd.ExecuteNonQueryAsync();
    }
}
