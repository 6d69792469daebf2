using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Cli;

/// <summary>The real berth program against a test berthd: output formats, exit codes and instance naming, as docs/cli.md says.</summary>
public sealed partial class CliEndToEndTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    private BerthCli Cli => new(Berthd.Host.Socket);

    [Fact]
    public async Task CreatePrintsTheUuidFromAFileAndFromStdin()
    {
        RootOnly.Require();
        string file = Path.Combine(Berthd.Host.StateDir, "cli-file.json");
        await File.WriteAllTextAsync(file, Berthd.Manifest("cli-file", 101));
        try
        {
            string uuid = (await Cli.RunAsync("vm", "create", "-f", file)).Ok().Stdout.Trim();
            Assert.True(Guid.TryParseExact(uuid, "D", out _), $"a UUID on stdout, not \"{uuid}\"");
            Assert.Equal("running", (await Berthd.Client.GetVmAsync(uuid)).State);
            Assert.True(await Poll.UntilAsync(() => Berthd.Host.PingAsync("10.77.0.101")), "the instance created by the CLI answers a ping");

            CliResult piped = await Cli.RunWithStdinAsync(Berthd.Manifest("cli-stdin", 102, "\"autoboot\": false"), "vm", "create", "-f", "-");
            string stdinUuid = piped.Ok().Stdout.Trim();
            Manifest stopped = await Berthd.Client.GetVmAsync(stdinUuid);
            Assert.Equal("cli-stdin", stopped.Alias);
            Assert.Equal("stopped", stopped.State);
        }
        finally
        {
            await DeleteAsync("cli-file", "cli-stdin");
        }
    }

    [Fact]
    public async Task ValidateSaysValidOrNamesEachBadPropertyAndExits1()
    {
        RootOnly.Require();
        string good = Path.Combine(Berthd.Host.StateDir, "cli-good.json");
        string bad = Path.Combine(Berthd.Host.StateDir, "cli-bad.json");
        await File.WriteAllTextAsync(good, Berthd.Manifest("cli-valid", 109));
        await File.WriteAllTextAsync(bad, Berthd.Manifest("cli-invalid", 109, "\"colour\": \"blue\"").Replace("10.77.0.109", "10.77.0"));

        Assert.Equal("valid", (await Cli.RunAsync("vm", "validate", "-f", good)).Ok().Stdout.Trim());
        ValidateResult result = (await Cli.RunAsync("vm", "validate", "-f", good, "-j")).Json(BerthJson.Default.ValidateResult);
        Assert.True(result.Valid);
        Assert.Equal("cli-valid", result.Manifest!.Alias);
        Assert.NotNull(result.Manifest.Nics![0].Mac);

        CliResult refused = await Cli.RunAsync("vm", "validate", "-f", bad);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains(refused.Lines, l => l.StartsWith("nics[0].ip: ", StringComparison.Ordinal) && l.Contains("10.77.0", StringComparison.Ordinal));
        Assert.Contains(refused.Lines, l => l.StartsWith("colour: ", StringComparison.Ordinal));

        CliResult refusedJson = await Cli.RunAsync("vm", "validate", "-f", bad, "-j");
        Assert.Equal(1, refusedJson.ExitCode);
        Problem problem = JsonSerializer.Deserialize(refusedJson.Stdout, BerthJson.Default.Problem)!;
        Assert.Equal(400, problem.Status);
        Assert.Contains(problem.Errors!, e => e.Property == "nics[0].ip");
        Assert.DoesNotContain(await Berthd.Client.ListVmsAsync(), m => m.Alias is "cli-valid" or "cli-invalid");
    }

    [Fact]
    public async Task ListPrintsTablesParsableRowsSortedFilteredAndJson()
    {
        RootOnly.Require();
        try
        {
            Manifest a = await Berthd.CreateAsync(Berthd.Manifest("cli-la", 103));
            Manifest b = await Berthd.CreateAsync(Berthd.Manifest("cli-lb", 104, "\"autoboot\": false").Replace("\"max_physical_memory\": 128", "\"max_physical_memory\": 192"));

            CliResult table = (await Cli.RunAsync("vm", "list")).Ok();
            Assert.Matches(@"^UUID\s+TYPE\s+RAM\s+STATE\s+ALIAS$", table.Lines[0]);
            Assert.Contains(table.Lines, l => Regex.IsMatch(l, $@"^{a.Uuid}\s+LX\s+128\s+running\s+cli-la$"));
            Assert.Contains(table.Lines, l => Regex.IsMatch(l, $@"^{b.Uuid}\s+LX\s+192\s+stopped\s+cli-lb$"));

            CliResult parsable = (await Cli.RunAsync("vm", "list", "-H", "-p", "-o", "uuid,alias,state", "alias=~^cli-l")).Ok();
            Assert.Equal([$"{a.Uuid}:cli-la:running", $"{b.Uuid}:cli-lb:stopped"], parsable.Lines);

            Assert.Equal(["cli-lb", "cli-la"], (await Cli.RunAsync("vm", "list", "-H", "-o", "alias", "-s", "-ram", "alias=~^cli-l")).Ok().Lines);
            Assert.Equal(["cli-la", "cli-lb"], (await Cli.RunAsync("vm", "list", "-H", "-o", "alias", "-s", "alias", "alias=~^cli-l")).Ok().Lines);
            Assert.Equal(["cli-la"], (await Cli.RunAsync("vm", "list", "-H", "-o", "alias", "state=running", "alias=~^cli-l")).Ok().Lines);
            Assert.Equal(["10.77.0.104"], (await Cli.RunAsync("vm", "list", "-H", "-o", "nics.0.ip", "alias=cli-lb")).Ok().Lines);

            List<Manifest> all = (await Cli.RunAsync("vm", "list", "-j")).Json(BerthJson.Default.ListManifest);
            Assert.Contains(all, m => m.Uuid == a.Uuid && m.State == "running" && m.MaxPhysicalMemory == 128 && m.Nics![0].Ip == "10.77.0.103");
            Assert.Contains(all, m => m.Uuid == b.Uuid && m.State == "stopped" && m.MaxPhysicalMemory == 192);
            Manifest only = Assert.Single((await Cli.RunAsync("vm", "list", "-j", "alias=cli-lb")).Json(BerthJson.Default.ListManifest));
            Assert.Equal(b.Uuid, only.Uuid);

            Assert.Equal([a.Uuid!], (await Cli.RunAsync("vm", "lookup", "alias=cli-la")).Ok().Lines);
            Manifest looked = Assert.Single((await Cli.RunAsync("vm", "lookup", "-1", "-j", "nics.0.ip=10.77.0.104")).Json(BerthJson.Default.ListManifest));
            Assert.Equal(b.Uuid, looked.Uuid);
            Assert.Equal(1, (await Cli.RunAsync("vm", "lookup", "-1", "alias=~^cli-l")).ExitCode);
        }
        finally
        {
            await DeleteAsync("cli-la", "cli-lb");
        }
    }

    [Fact]
    public async Task GetAndInfoPrintOneInstanceAsJsonByPrefixOrAlias()
    {
        RootOnly.Require();
        try
        {
            Manifest created = (await Cli.RunWithStdinAsync(Berthd.Manifest("cli-get", 105), "vm", "create", "-f", "-", "-j")).Json(BerthJson.Default.Manifest);
            Assert.Equal("running", created.State);
            string uuid = created.Uuid!;

            CliResult get = await Cli.RunAsync("vm", "get", "cli-get", "-j");
            Manifest m = get.Json(BerthJson.Default.Manifest);
            Assert.Equal(uuid, m.Uuid);
            Assert.Equal(("lx", Berthd.BusyboxUuid, 128L, 1L), (m.Brand, m.ImageUuid, m.MaxPhysicalMemory!.Value, m.Quota!.Value));
            Assert.Equal(("10.77.0.105", "255.255.255.0", Berthd.Gateway), (m.Nics![0].Ip, m.Nics[0].Netmask, m.Nics[0].Gateway));
            Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", m.Nics[0].Mac);
            Assert.NotNull(m.Pid);
            Assert.NotNull(m.CreateTimestamp);
            AssertDocumentedFields(get.JsonElement());

            Assert.Equal(uuid, (await Cli.RunAsync("vm", "get", uuid[..8])).Json(BerthJson.Default.Manifest).Uuid);

            JsonElement info = (await Cli.RunAsync("vm", "info", uuid[..13], "-j")).JsonElement();
            Assert.Equal(uuid, info.GetProperty("uuid").GetString());
            Assert.Equal("running", info.GetProperty("state").GetString());
            Assert.Equal("running", info.GetProperty("runtime_status").GetString());
            Assert.Equal(m.Pid, info.GetProperty("init_pid").GetInt32());
            Assert.True(info.GetProperty("monitor_pid").GetInt32() > 1);
            Assert.EndsWith("/" + uuid, info.GetProperty("cgroup").GetString());
            Assert.True(Directory.Exists(info.GetProperty("bundle").GetString()), "the bundle directory exists");
            Assert.True(Directory.Exists(info.GetProperty("dataset").GetString()), "the dataset directory exists");
            Assert.Equal(1, info.GetProperty("host_interfaces").GetArrayLength());
        }
        finally
        {
            await DeleteAsync("cli-get");
        }
    }

    [Fact]
    public async Task ExecPassesTheCommandsOutputAndExitCode()
    {
        RootOnly.Require();
        try
        {
            await Berthd.CreateAsync(Berthd.Manifest("cli-exec", 106));
            CliResult run = await Cli.RunAsync("vm", "exec", "cli-exec", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
            Assert.True(run.ExitCode == 7, run.ToString());
            Assert.Equal("out\n", run.Stdout);
            Assert.Equal("err\n", run.Stderr);

            CliResult json = await Cli.RunAsync("vm", "exec", "-j", "cli-exec", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
            Assert.Equal(7, json.ExitCode);
            ExecResult result = JsonSerializer.Deserialize(json.Stdout, BerthJson.Default.ExecResult)!;
            Assert.Equal((7, "out\n", "err\n"), (result.ExitCode, result.Stdout, result.Stderr));

            CliResult cat = await Cli.RunWithStdinAsync("piped in\n", "vm", "exec", "-i", "cli-exec", "--", "cat");
            Assert.Equal("piped in\n", cat.Ok().Stdout);
        }
        finally
        {
            await DeleteAsync("cli-exec");
        }
    }

    [Fact]
    public async Task LifecycleVerbsTakeAUuidPrefixOrAnAlias()
    {
        RootOnly.Require();
        string file = Path.Combine(Berthd.Host.StateDir, "cli-life.json");
        await File.WriteAllTextAsync(file, Berthd.Manifest("cli-life", 107));
        try
        {
            string uuid = (await Cli.RunAsync("vm", "create", "-f", file)).Ok().Stdout.Trim();
            string prefix = uuid[..8];

            CliResult stop = (await Cli.RunAsync("vm", "stop", prefix, "-t", "20")).Ok();
            Assert.Contains($"Successfully stopped VM {uuid}", stop.Stderr);
            Assert.Equal("", stop.Stdout);
            Assert.Equal("stopped", (await Berthd.Client.GetVmAsync(uuid)).State);
            Assert.Equal(1, (await Cli.RunAsync("vm", "stop", "cli-life")).ExitCode);

            (await Cli.RunAsync("vm", "start", "cli-life")).Ok();
            Assert.Equal("running", (await Berthd.Client.GetVmAsync(uuid)).State);
            Manifest rebooted = (await Cli.RunAsync("vm", "reboot", prefix, "-j")).Json(BerthJson.Default.Manifest);
            Assert.Equal("running", rebooted.State);
            Assert.True(await Poll.UntilAsync(() => Berthd.Host.PingAsync("10.77.0.107")), "pingable after the reboot");
            Assert.Equal("stopped", (await Cli.RunAsync("vm", "stop", "-F", "cli-life", "-j")).Json(BerthJson.Default.Manifest).State);
            Assert.Equal("running", (await Cli.RunAsync("vm", "boot", "cli-life", "-j")).Json(BerthJson.Default.Manifest).State);

            (await Cli.RunAsync("vm", "update", prefix, "max_physical_memory=192")).Ok();
            Assert.Equal(192, (await Berthd.Client.GetVmAsync(uuid)).MaxPhysicalMemory);
            ExecResult limit = await Berthd.Client.ExecAsync(uuid, new ExecRequest { Argv = ["cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] });
            Assert.Equal((192L << 20).ToString(), limit.Stdout.Trim());

            CliResult restart = (await Cli.RunAsync("vm", "update", "cli-life", "hostname=renamed", "tags={\"tier\": \"gold\"}")).Ok();
            Assert.Equal("restart required for: hostname", restart.Stdout.Trim());
            UpdateResult updated = (await Cli.RunWithStdinAsync("{\"cpu_cap\": 50}", "vm", "update", "cli-life", "-f", "-", "-j")).Json(BerthJson.Default.UpdateResult);
            Assert.Equal((50L, "renamed"), (updated.Manifest.CpuCap!.Value, updated.Manifest.Hostname));
            Assert.Empty(updated.RestartRequired);
            Assert.Equal([uuid], (await Cli.RunAsync("vm", "list", "-H", "-o", "uuid", "tags.tier=gold")).Ok().Lines);

            (await Cli.RunAsync("vm", "delete", "cli-life")).Ok();
            BerthApiException gone = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetVmAsync(uuid));
            Assert.Equal(404, gone.Status);
        }
        finally
        {
            await DeleteAsync("cli-life");
        }
    }

    [Fact]
    public async Task ConsoleWithPipedStdinPrintsTheShellsAnswer()
    {
        RootOnly.Require();
        try
        {
            await Berthd.CreateAsync(Berthd.Manifest("cli-con", 108));
            DateTime deadline = DateTime.UtcNow.AddSeconds(5);
            CliResult console;
            // The echo of the typed line holds "hello-$((6*7))"; only the shell's answer holds "hello-42".
            while (!(console = await Cli.RunWithStdinAsync("echo hello-$((6*7))\n", "vm", "console", "cli-con")).Stdout.Contains("hello-42", StringComparison.Ordinal)
                   && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.True(console.ExitCode == 0 && console.Stdout.Contains("hello-42", StringComparison.Ordinal), console.ToString());
        }
        finally
        {
            await DeleteAsync("cli-con");
        }
    }

    /// <summary>Every property of a manifest printed by the CLI is one docs/manifest.md documents.</summary>
    private static void AssertDocumentedFields(JsonElement manifest)
    {
        string docs = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "manifest.md"));
        var documented = Regex.Matches(docs, @"^\| `([a-z_\[\]\.]+)` \|", RegexOptions.Multiline).Select(x => x.Groups[1].Value).ToHashSet();
        foreach (JsonProperty p in manifest.EnumerateObject())
        {
            Assert.Contains(p.Name, documented);
        }

        foreach (JsonProperty p in manifest.GetProperty("nics")[0].EnumerateObject())
        {
            Assert.Contains($"nics[].{p.Name}", documented);
        }
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Berth.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>Deletes the test's instances by alias, whatever state a failed test left them in.</summary>
    private async Task DeleteAsync(params string[] aliases)
    {
        foreach (Manifest vm in await Berthd.Client.ListVmsAsync())
        {
            if (aliases.Contains(vm.Alias))
            {
                await Berthd.Client.DeleteVmAsync(vm.Uuid!);
            }
        }
    }
}
