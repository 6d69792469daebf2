using System.Diagnostics;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Metadata;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Metadata;

/// <summary>The metadata service end to end: the static mdata tools inside busybox instances, through a real berthd.</summary>
public sealed class MetadataTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const string Metadata = """
        "customer_metadata": { "motd": "hello from the host", "shared": "customer's" },
        "internal_metadata": { "root_pw": "s3cret", "shared": "operator's" },
        "tags": { "role": "web" }
        """;

    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task GetPutDeleteListAndFactsFromInsideTheInstance()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("md-round", 51, Metadata + ", \"hostname\": \"md-host\""));
        try
        {
            Assert.Equal("hello from the host", await GetAsync(vm, "motd"));
            Assert.Equal("operator's", await GetAsync(vm, "shared"));
            Assert.Equal("s3cret", await GetAsync(vm, "root_pw"));
            Assert.Equal(vm.Uuid, await GetAsync(vm, "sdc:uuid"));
            Assert.Equal(vm.Uuid, await GetAsync(vm, "berth:uuid"));
            Assert.Equal("md-round", await GetAsync(vm, "sdc:alias"));
            Assert.Equal("md-host", await GetAsync(vm, "sdc:hostname"));
            Assert.Equal("web", await GetAsync(vm, "sdc:tags.role"));
            using (JsonDocument nics = JsonDocument.Parse(await GetAsync(vm, "sdc:nics")))
            {
                Assert.Equal(vm.Nics![0].Mac, nics.RootElement[0].GetProperty("mac").GetString());
                Assert.Equal("10.77.0.51", nics.RootElement[0].GetProperty("ip").GetString());
            }

            ExecResult missing = await ExecAsync(vm, "mdata-get", "no-such-key");
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("No metadata for 'no-such-key'", missing.Stderr);

            Assert.Equal(0, (await ExecAsync(vm, "mdata-put", "color", "blue")).ExitCode);
            Assert.Equal(0, (await Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = ["mdata-put", "motd"], Stdin = "from stdin\nline two" })).ExitCode);
            Manifest after = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.Equal("blue", after.CustomerMetadata!["color"]);
            Assert.Equal("from stdin\nline two", after.CustomerMetadata["motd"]);
            Assert.Equal("from stdin\nline two", await GetAsync(vm, "motd"));

            ExecResult list = await ExecAsync(vm, "mdata-list");
            Assert.Equal(["motd", "shared", "color", "root_pw"], list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            Assert.Equal(0, (await ExecAsync(vm, "mdata-delete", "color")).ExitCode);
            Assert.False((await Berthd.Client.GetVmAsync(vm.Uuid!)).CustomerMetadata!.ContainsKey("color"));
            Assert.Equal(1, (await ExecAsync(vm, "mdata-get", "color")).ExitCode);

            // The tools are also where SmartOS lx zones have them, read-only.
            Assert.Equal("md-round\n", (await ExecAsync(vm, "/native/usr/sbin/mdata-get", "sdc:alias")).Stdout);
            Assert.NotEqual(0, (await ExecAsync(vm, "sh", "-c", "echo x > /native/usr/sbin/mdata-get")).ExitCode);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task GuestCannotWriteInternalMetadataOrFacts()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("md-ro", 52, Metadata));
        try
        {
            ExecResult internalPut = await ExecAsync(vm, "mdata-put", "root_pw", "mine now");
            Assert.Equal(2, internalPut.ExitCode);
            Assert.Contains("internal_metadata", internalPut.Stderr);
            Assert.Equal(2, (await ExecAsync(vm, "mdata-delete", "root_pw")).ExitCode);
            Assert.Equal(2, (await ExecAsync(vm, "mdata-put", "sdc:uuid", "forged")).ExitCode);
            Assert.Equal(2, (await ExecAsync(vm, "mdata-put", "shared", "overridden")).ExitCode);

            Manifest after = await Berthd.Client.GetVmAsync(vm.Uuid!);
            Assert.Equal("s3cret", after.InternalMetadata!["root_pw"]);
            Assert.Equal("customer's", after.CustomerMetadata!["shared"]);
            Assert.False(after.CustomerMetadata.ContainsKey("root_pw"));
            Assert.False(after.CustomerMetadata.ContainsKey("sdc:uuid"));
            Assert.Equal(vm.Uuid, await GetAsync(vm, "sdc:uuid"));
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task AnInstanceReadsOnlyItsOwnMetadata()
    {
        RootOnly.Require();
        Manifest a = await Berthd.CreateAsync(Berthd.Manifest("md-a", 53, "\"customer_metadata\": { \"mine\": \"a's\" }"));
        Manifest b = await Berthd.CreateAsync(Berthd.Manifest("md-b", 54, "\"customer_metadata\": { \"mine\": \"b's\", \"only-b\": \"secret of b\" }"));
        try
        {
            Assert.Equal("a's", await GetAsync(a, "mine"));
            Assert.Equal("b's", await GetAsync(b, "mine"));
            Assert.Equal(1, (await ExecAsync(a, "mdata-get", "only-b")).ExitCode);
            Assert.Equal(a.Uuid, await GetAsync(a, "sdc:uuid"));
            Assert.Equal("mine", (await ExecAsync(a, "mdata-list")).Stdout.Trim());

            // The instance sees its own socket and nothing of the host's metadata directory.
            Assert.Equal("metadata.sock", (await ExecAsync(a, "ls", "-A", MetadataServer.GuestDir)).Stdout.Trim());
            ExecResult mounts = await ExecAsync(a, "cat", "/proc/self/mountinfo");
            Assert.DoesNotContain(b.Uuid!, mounts.Stdout);

            // A write of a changes only a.
            Assert.Equal(0, (await ExecAsync(a, "mdata-put", "mine", "changed by a")).ExitCode);
            Assert.Equal("b's", (await Berthd.Client.GetVmAsync(b.Uuid!)).CustomerMetadata!["mine"]);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(a.Uuid!);
            await Berthd.Client.DeleteVmAsync(b.Uuid!);
        }
    }

    [Fact]
    public async Task MalformedFramesGetErrorsAndTheServiceKeepsServing()
    {
        RootOnly.Require();
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("md-bad", 55, Metadata));
        try
        {
            await CopyRawToolAsync(vm);
            string goodBody = "0000000c GET bW90ZA==";
            string input = string.Concat(
                "NEGOTIATE V2\n",
                "V2 21 deadbeef 00000001 GET bW90ZA==\n", // bad checksum
                "V2 99 " + Crc32.Hex(goodBody) + " " + goodBody + "\n", // bad length
                "\n",
                "garbage that is no command\n",
                MdataCodec.EncodeRequest("00000002", "FROB", "x"), // unknown command
                V2("00000003 GET !!!!"), // bad base64
                new string('x', 600 * 1024) + "\n", // over the line limit
                MdataCodec.EncodeRequest("00000004", "GET", "motd"));

            ExecResult raw = await Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = ["/tmp/mdata-raw"], Stdin = input });

            string[] answers = raw.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(9, answers.Length);
            Assert.Equal("V2_OK", answers[0]);
            Assert.Equal(("00000001", MdataStatus.Failure), Head(answers[1]));
            Assert.Contains("checksum", Decode(answers[1]).Payload);
            Assert.Contains("length", Decode(answers[2]).Payload);
            Assert.Equal("invalid command", answers[3]);
            Assert.Equal("FAILURE", answers[4]);
            Assert.Equal(("00000002", MdataStatus.Failure), Head(answers[5]));
            Assert.Equal(("00000003", MdataStatus.Failure), Head(answers[6]));
            Assert.Equal("FAILURE", answers[7]);
            Assert.Equal(("00000004", MdataStatus.Success, "hello from the host"), Decode(answers[8]));

            // The service, and berthd, go on serving.
            Assert.Equal("hello from the host", await GetAsync(vm, "motd"));
            JsonElement info = await Berthd.Client.GetVmInfoAsync(vm.Uuid!);
            Assert.Equal(7, info.GetProperty("metadata_malformed").GetInt64());
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task AFloodFromOneInstanceDoesNotHoldUpAnother()
    {
        RootOnly.Require();
        Manifest flooder = await Berthd.CreateAsync(Berthd.Manifest("md-flood", 56, Metadata));
        Manifest quiet = await Berthd.CreateAsync(Berthd.Manifest("md-quiet", 57, Metadata));
        try
        {
            await CopyRawToolAsync(flooder);
            await Berthd.Client.ExecAsync(flooder.Uuid!, new ExecRequest
            {
                Argv = ["sh", "-c", "cat > /tmp/frame && for i in 1 2 3; do (/tmp/mdata-raw 1000000 < /tmp/frame > /dev/null 2>&1 &); done"],
                Stdin = MdataCodec.EncodeRequest("00000001", "GET", "motd"),
            });
            Assert.True(await Poll.UntilAsync(async () => await CounterAsync(flooder, "metadata_throttled") > 0), "the flood is throttled");
            long floodBefore = await CounterAsync(flooder, "metadata_requests");
            var clock = Stopwatch.StartNew();

            ExecResult loop = await ExecAsync(quiet, "sh", "-c", "for i in $(seq 1 20); do mdata-get motd > /dev/null || exit 1; done");

            double seconds = clock.Elapsed.TotalSeconds;
            Assert.Equal(0, loop.ExitCode);
            Assert.True(seconds < 5, $"20 gets of the quiet instance took {seconds:0.00} s during the flood");
            Assert.Equal(0, await CounterAsync(quiet, "metadata_throttled"));
            long flooded = await CounterAsync(flooder, "metadata_requests") - floodBefore;
            MetadataLimits limits = MetadataLimits.Default;
            Assert.True(flooded <= limits.BurstTokens + (limits.TokensPerSecond * (clock.Elapsed.TotalSeconds + 0.5)),
                $"the flooder got {flooded} requests answered in {clock.Elapsed.TotalSeconds:0.00} s");
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(flooder.Uuid!);
            await Berthd.Client.DeleteVmAsync(quiet.Uuid!);
        }
    }

    [Fact]
    public async Task UserScriptRunsOnceAtFirstBootNotAfterARestart()
    {
        RootOnly.Require();
        const string script = "#!/bin/sh\\necho ran >> /root/user-script-runs\\nmdata-put script-saw \\\"$(mdata-get sdc:alias)\\\"\\n";
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("md-script", 58, $"\"customer_metadata\": {{ \"user-script\": \"{script}\" }}"));
        try
        {
            Assert.True(await Poll.UntilAsync(async () =>
                (await Berthd.Client.GetVmAsync(vm.Uuid!)).CustomerMetadata!.GetValueOrDefault("script-saw") == "md-script"),
                "the user-script ran and reached the metadata service");
            Assert.Equal("ran\n", (await ExecAsync(vm, "cat", "/root/user-script-runs")).Stdout);
            string? launched = (await Berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty("user_script_launched").GetString();
            Assert.NotNull(launched);

            await Berthd.Client.StopVmAsync(vm.Uuid!, new StopRequest { Timeout = 20 });
            await Berthd.Client.StartVmAsync(vm.Uuid!);

            // The launch happens inside start; had it run again, its record would be newer.
            Assert.Equal(launched, (await Berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty("user_script_launched").GetString());
            Assert.Equal("ran\n", (await ExecAsync(vm, "cat", "/root/user-script-runs")).Stdout);
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task ARestartedBerthdServesRunningInstancesAgain()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        Manifest vm = await berthd.CreateAsync(Berthd.Manifest("md-restart", 59, Metadata));

        await berthd.KillAsync();
        await berthd.StartProcessAsync();

        ExecResult get = await berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = ["mdata-get", "motd"] });
        Assert.Equal((0, "hello from the host\n"), (get.ExitCode, get.Stdout));
        await berthd.Client.DeleteVmAsync(vm.Uuid!);
        Assert.False(Directory.Exists(Path.Combine(berthd.Host.RunDir, "metadata", vm.Uuid!)), "delete removes the socket directory");
    }

    private Task<ExecResult> ExecAsync(Manifest vm, params string[] argv) =>
        Berthd.Client.ExecAsync(vm.Uuid!, new ExecRequest { Argv = [.. argv] });

    private async Task<string> GetAsync(Manifest vm, string key)
    {
        ExecResult get = await ExecAsync(vm, "mdata-get", key);
        Assert.True(get.ExitCode == 0, $"mdata-get {key} exited {get.ExitCode}: {get.Stderr}");
        Assert.EndsWith("\n", get.Stdout);
        return get.Stdout[..^1];
    }

    private async Task<long> CounterAsync(Manifest vm, string name) =>
        (await Berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty(name).GetInt64();

    /// <summary>Puts the test's raw socket tool into the instance's root filesystem (its dataset on the host).</summary>
    private async Task CopyRawToolAsync(Manifest vm)
    {
        string dataset = (await Berthd.Client.GetVmInfoAsync(vm.Uuid!)).GetProperty("dataset").GetString()!;
        File.Copy(await MdataToolsBuild.RawToolAsync(), Path.Combine(dataset, "tmp", "mdata-raw"), overwrite: true);
    }

    private static string V2(string body) => $"V2 {body.Length} {Crc32.Hex(body)} {body}\n";

    private static (string Id, MdataStatus Status) Head(string answer) => (Decode(answer).Id, Decode(answer).Status);

    private static (string Id, MdataStatus Status, string? Payload) Decode(string answer)
    {
        Assert.True(MdataCodec.TryDecodeReply(answer, out string id, out MdataStatus status, out string? payload), $"a V2 answer: {answer}");
        return (id, status, payload);
    }
}
