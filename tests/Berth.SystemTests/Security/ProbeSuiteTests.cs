using System.Text.Json.Nodes;
using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Security;

/// <summary>The probe suite holds in the hardened default, and each probe fails once its protection is switched off.</summary>
public sealed class ProbeSuiteTests : IAsyncLifetime
{
    private ProbeRunner? _runner;

    private ProbeRunner Runner => _runner ?? throw new InvalidOperationException("not started");

    public static TheoryData<string, string> Weakenings => new()
    {
        { "host_processes", "privileged, no pid namespace" },
        { "signal_host", "privileged, no pid namespace" },
        { "ptrace_host", "privileged, no pid namespace" },
        { "runtime_exe", "privileged, no pid namespace" },
        { "mount", "privileged" },
        { "mount_userns", "nesting" },
        { "raw_device", "privileged" },
        { "sysctl_host", "privileged" },
        { "proc_keys", "privileged" },
        { "keyring", "privileged" },
        { "cgroup_limits", "privileged, cgroup mount writable" },
    };

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root")
        {
            _runner = await ProbeRunner.StartAsync();
        }
    }

    [Fact]
    public async Task HardenedDefaultPassesEveryProbe()
    {
        RootOnly.Require();
        (Dictionary<string, string> status, string output) = await Runner.RunAsync(new Manifest { Brand = "lx" }, IdRange.OfSlot(7));
        Assert.DoesNotContain("FAIL", status.Values);
        foreach (string probe in Weakenings.Select(w => w.Data.Item1))
        {
            Assert.True(status.TryGetValue(probe, out string? s) && s == "PASS", $"{probe} did not pass: {output}");
        }

        // This kernel lacks modules and /proc/kcore: those probes say so rather than claiming a protection.
        Assert.Contains("no CONFIG_MODULES", output);
        Assert.Contains("no /proc/kcore", output);
        Assert.Equal("TODO", status["metadata_other_instance"]);
    }

    [Theory]
    [MemberData(nameof(Weakenings))]
    public async Task EachProbeDetectsItsProtectionSwitchedOff(string probe, string weakening)
    {
        RootOnly.Require();
        bool privileged = weakening.StartsWith("privileged", StringComparison.Ordinal);
        var manifest = new Manifest { Brand = "lx", Privileged = privileged ? true : null, Nesting = weakening == "nesting" ? true : null };
        Action<JsonObject>? edit = weakening switch
        {
            "privileged, no pid namespace" => NoPidNamespace,
            "privileged, cgroup mount writable" => WritableCgroups,
            _ => null,
        };
        (Dictionary<string, string> status, string output) = await Runner.RunAsync(manifest, privileged ? null : IdRange.OfSlot(8), edit, "--only", probe);
        Assert.True(status.TryGetValue(probe, out string? s) && s == "FAIL", $"{probe} did not notice \"{weakening}\": {output}");
    }

    private static void NoPidNamespace(JsonObject config)
    {
        var namespaces = (JsonArray)config["linux"]!["namespaces"]!;
        namespaces.Remove(namespaces.Single(n => (string?)n!["type"] == "pid"));
    }

    private static void WritableCgroups(JsonObject config)
    {
        JsonNode mount = ((JsonArray)config["mounts"]!).Single(m => (string?)m!["destination"] == "/sys/fs/cgroup")!;
        var options = (JsonArray)mount["options"]!;
        options.Remove(options.Single(o => (string?)o == "ro"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }
    }
}
