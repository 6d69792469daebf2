using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Host;
using Berth.SystemTests.Cli;

namespace Berth.SystemTests.Daemon;

/// <summary>The supervisor through the real daemon: autoboot in dependency order after a host boot, restarts, maintenance, svcs.</summary>
public sealed class SupervisionTests
{
    /// <summary>How long B's init waits before its web server answers (its tcp health check fails until then).</summary>
    private static readonly TimeSpan s_webDelay = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task AutobootAfterAHostBootStartsTheChainInOrderAndADaemonRestartStartsNothing()
    {
        RootOnly.Require();
        string bootIdFile = Path.Combine(Path.GetTempPath(), $"berth-boot-id-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(bootIdFile, Guid.NewGuid().ToString("D") + "\n");
        try
        {
            await using Berthd berthd = await Berthd.StartAsync("--boot-id-file", bootIdFile);
            string id = Guid.NewGuid().ToString("N")[..6];
            string a = $"sv-a-{id}", b = $"sv-b-{id}", c = $"sv-c-{id}";
            // Created stopped, so that B's rootfs can get its delayed web server before any start.
            await berthd.CreateAsync(Berthd.Manifest(a, 51, """ "autoboot": false, "health_check": "test -f /etc/hostname" """));
            Manifest vmB = await berthd.CreateAsync(Berthd.Manifest(b, 52, $$""" "autoboot": false, "depends_on": ["{{a}}"], "health_check": "tcp 8080" """));
            await berthd.CreateAsync(Berthd.Manifest(c, 53, $$""" "autoboot": false, "depends_on": ["{{b}}"] """));
            await WriteRcScriptAsync(berthd, vmB.Uuid!, "S50web", $"(sleep {s_webDelay.TotalSeconds:0.0}; exec httpd -f -p 8080 -h /tmp) &");
            foreach (string vm in new[] { a, b, c })
            {
                await berthd.Client.UpdateVmAsync(vm, BerthClient.Utf8("""{ "autoboot": true }"""));
            }

            // A daemon restart with the same boot id starts nothing.
            await berthd.KillAsync();
            await berthd.StartProcessAsync();
            long firstEvent = await LastEventIdAsync(berthd);
            Assert.Equal("online", (await berthd.Client.GetServiceAsync("berthd/supervisor")).State);
            foreach (string vm in new[] { a, b, c })
            {
                ServiceStatus status = await berthd.Client.GetServiceAsync(vm);
                Assert.Equal(("disabled", "stopped"), (status.State, status.InstanceState));
            }

            Assert.False(await Poll.UntilAsync(async () => (await berthd.Client.ListVmsAsync()).Any(m => m.State != "stopped")),
                "a daemon restart with the same boot id started an instance");
            Assert.Equal(firstEvent, await LastEventIdAsync(berthd));

            // A host boot: the boot id changes; berthd starts A, then B, and C only once B's web server answers.
            await File.WriteAllTextAsync(bootIdFile, Guid.NewGuid().ToString("D") + "\n");
            await berthd.KillAsync();
            await berthd.StartProcessAsync();
            Assert.True(await Poll.UntilAsync(async () => (await berthd.Client.GetVmAsync(b)).State == "running"), "B did not start");
            ServiceStatus waiting = await berthd.Client.GetServiceAsync(c);
            Assert.Equal(("offline", "stopped"), (waiting.State, waiting.InstanceState));
            Assert.Contains(waiting.WaitingFor ?? [], w => w.Contains(b, StringComparison.Ordinal) && w.Contains("health check", StringComparison.Ordinal));

            Assert.True(await Poll.UntilAsync(async () => (await berthd.Client.GetVmAsync(c)).State == "running"), "C did not start");
            List<InstanceEvent> started = await StartedEventsAsync(berthd);
            Assert.Equal([a, b, c], started.Select(e => e.Alias));
            Assert.All(started, e => Assert.Equal("berthd", e.Requestor));
            TimeSpan cAfterB = started[2].Time - started[1].Time;
            Assert.True(cAfterB >= s_webDelay - TimeSpan.FromMilliseconds(200), $"C started {cAfterB.TotalMilliseconds} ms after B, before B's health check could pass");
            Assert.True(await berthd.Host.PingAsync("10.77.0.53"), "C answers");
            Assert.Equal("online", (await berthd.Client.GetServiceAsync(b)).State);
        }
        finally
        {
            File.Delete(bootIdFile);
        }
    }

    [Fact]
    public async Task CrashLoopEndsInMaintenanceSvcsExplainsItAndClearBringsItBack()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        var cli = new BerthCli(berthd.Host.Socket);
        string alias = $"sv-crash-{Guid.NewGuid().ToString("N")[..6]}";
        Manifest vm = await berthd.CreateAsync(Berthd.Manifest(alias, 61, """ "autoboot": false, "restart": "on-failure" """));
        string rootfs = (await berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty("dataset").GetString()!;
        string init = Path.Combine(rootfs, "sbin", "init");
        string goodInit = File.ResolveLinkTarget(init, returnFinalTarget: false)!.FullName;
        File.Delete(init);
        await File.WriteAllTextAsync(init, "#!/bin/sh\necho \"app: cannot read /etc/app.conf\"\necho \"app: giving up\"\nexit 3\n");
        File.SetUnixFileMode(init, (UnixFileMode)Convert.ToInt32("755", 8));

        try
        {
            await berthd.Client.StartVmAsync(alias);
        }
        catch (BerthApiException)
        {
            // Init may be gone before start returns; the restarter takes it from there either way.
        }

        Assert.Equal("maintenance", (await berthd.WaitForStateAsync(alias, "maintenance")).State);
        CliResult explained = await cli.RunAsync("svcs", "-x");
        explained.Ok();
        Assert.Contains($"vm/{alias}", explained.Stdout);
        Assert.Contains("State: maintenance", explained.Stdout);
        Assert.Contains("restarting too quickly", explained.Stdout);
        Assert.Contains("Last exit: status 3", explained.Stdout);
        Assert.Contains("app: giving up", explained.Stdout);
        Assert.Contains("app: cannot read /etc/app.conf", explained.Stdout);

        ServiceStatus status = (await cli.RunAsync("svcs", "-j", alias)).Json(BerthJson.Default.ServiceStatus);
        Assert.Equal(("maintenance", 3), (status.State, status.LastExitStatus));
        Assert.True(status.RecentCrashes >= 5, $"{status.RecentCrashes} crashes counted");
        List<InstanceEvent> events = [.. await EventsAsync(berthd, alias)];
        Assert.Contains(events, e => e.Type == "crashed" && e.Details!["exit_status"].GetInt32() == 3);
        Assert.Contains(events, e => e.Type == "restarted");
        Assert.Equal("maintenance", events[^1].Type);
        Assert.Contains("svcadm clear", (await cli.RunAsync("vm", "start", alias)).Stderr); // the 409 says how to leave it

        // Fixed, then cleared: it runs again.
        File.Delete(init);
        File.CreateSymbolicLink(init, goodInit);
        await cli.RunAsync("svcadm", "clear", alias).ContinueWith(t => t.Result.Ok());
        Assert.Equal("running", (await berthd.Client.GetVmAsync(alias)).State);
        Assert.True(await Poll.UntilAsync(async () => (await berthd.Client.GetServiceAsync(alias)).State == "online"));
        Assert.True(await berthd.Host.PingAsync("10.77.0.61"));
    }

    [Fact]
    public async Task AnExitWhileBerthdWasDownIsACrashItsRestartPolicyAnswers()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        string alias = $"sv-down-{Guid.NewGuid().ToString("N")[..6]}";
        Manifest vm = await berthd.CreateAsync(Berthd.Manifest(alias, 81, """ "restart": "on-failure" """));

        await berthd.KillAsync();
        await CommandRunner.Default.RunCheckedAsync("crun", [$"--root={berthd.Host.RunDir}/crun", "kill", vm.Uuid!, "KILL"]);
        Assert.True(await Poll.UntilAsync(async () =>
            (await CommandRunner.Default.RunAsync("crun", [$"--root={berthd.Host.RunDir}/crun", "state", vm.Uuid!])).Stdout.Contains("\"stopped\"", StringComparison.Ordinal)));
        await berthd.StartProcessAsync();

        Assert.True(await Poll.UntilAsync(async () => (await berthd.Client.GetVmAsync(alias)) is { State: "running" } m && m.Pid != vm.Pid),
            "the instance that crashed while berthd was down was not restarted");
        List<InstanceEvent> events = await EventsAsync(berthd, alias);
        Assert.Equal(["crashed", "restarted", "started"], events.Select(e => e.Type));
        Assert.Equal(137, events[0].Details!["exit_status"].GetInt32());
        Assert.True(await berthd.Host.PingAsync("10.77.0.81"));
    }

    [Fact]
    public async Task EventsStreamDeliversEveryLifecycleEventOfAScenarioInOrder()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        using HttpClient http = UnixHttp(berthd.Host.Socket);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using HttpResponseMessage response = await http.GetAsync("http://berthd/v1/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        Assert.Equal(": berthd events", await reader.ReadLineAsync(cts.Token)); // subscribed: nothing after this is missed

        string alias = $"sv-ev-{Guid.NewGuid().ToString("N")[..6]}";
        Manifest vm = await berthd.CreateAsync(Berthd.Manifest(alias, 71));
        await berthd.Client.StopVmAsync(alias);
        await berthd.Client.StartVmAsync(alias);
        await berthd.Client.UpdateVmAsync(alias, BerthClient.Utf8("""{ "cpu_cap": 50 }"""));
        await berthd.Client.CreateSnapshotAsync(alias, "before");
        await CommandRunner.Default.RunCheckedAsync("crun", [$"--root={berthd.Host.RunDir}/crun", "kill", vm.Uuid!, "KILL"]);
        await berthd.WaitForStateAsync(alias, "stopped");
        await berthd.Client.DeleteVmAsync(alias);

        string[] expected = ["created", "started", "stopped", "started", "updated", "snapshot", "crashed", "deleted"];
        var got = new List<(string Event, InstanceEvent Data, long Id)>();
        while (got.Count < expected.Length)
        {
            got.Add(await ReadEventAsync(reader, cts.Token));
        }

        Assert.Equal(expected, got.Select(g => g.Event));
        Assert.All(got, g => Assert.Equal((g.Event, vm.Uuid, alias, g.Id), (g.Data.Type, g.Data.Instance, g.Data.Alias, g.Data.Id)));
        Assert.True(got.Zip(got.Skip(1)).All(p => p.First.Id < p.Second.Id && p.First.Data.Time <= p.Second.Data.Time), "ids and times increase");
        Assert.Equal("uid:0", got[0].Data.Requestor);
        InstanceEvent crashed = got[6].Data;
        Assert.Equal("berthd", crashed.Requestor);
        Assert.Equal(137, crashed.Details!["exit_status"].GetInt32());
        Assert.Equal(["cpu_cap"], got[4].Data.Details!["changed"].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("before", got[5].Data.Details!["name"].GetString());

        // The backlog keeps them for `vm events` without -f.
        CliResult listed = await new BerthCli(berthd.Host.Socket).RunAsync("vm", "events", "-j", vm.Uuid!);
        Assert.Equal(expected, listed.Json(BerthJson.Default.ListInstanceEvent).Select(e => e.Type));
    }

    private static async Task<(string Event, InstanceEvent Data, long Id)> ReadEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? name = null, data = null;
        long id = 0;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (name!, JsonSerializer.Deserialize(data, BerthJson.Default.InstanceEvent)!, id);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..]);
            }
        }

        throw new EndOfStreamException("the event stream ended");
    }

    private static HttpClient UnixHttp(string socket) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0);
            await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket), ct);
            return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
        },
    });

    private static async Task<List<InstanceEvent>> EventsAsync(Berthd berthd, string? instance = null)
    {
        var all = new List<InstanceEvent>();
        await foreach (InstanceEvent e in berthd.Client.EventsAsync(instance, follow: false))
        {
            all.Add(e);
        }

        return all;
    }

    private static async Task<long> LastEventIdAsync(Berthd berthd) => (await EventsAsync(berthd)).LastOrDefault()?.Id ?? 0;

    private static async Task<List<InstanceEvent>> StartedEventsAsync(Berthd berthd) =>
        [.. (await EventsAsync(berthd)).Where(e => e.Type == "started")];

    /// <summary>Adds an /etc/rc.d script to a stopped instance's rootfs: the busybox image's rcS runs each at boot.</summary>
    private static async Task WriteRcScriptAsync(Berthd berthd, string uuid, string name, string body)
    {
        string rootfs = (await berthd.Client.GetVmInfoAsync(uuid)).GetProperty("dataset").GetString()!;
        string dir = Path.Combine(rootfs, "etc", "rc.d");
        Directory.CreateDirectory(dir);
        string script = Path.Combine(dir, name);
        await File.WriteAllTextAsync(script, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(script, (UnixFileMode)Convert.ToInt32("755", 8));
    }
}
