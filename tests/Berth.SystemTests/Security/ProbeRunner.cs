using System.Diagnostics;
using System.Text.Json.Nodes;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Host.Cgroups;
using Berth.Core.Images;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Security;

/// <summary>
/// Builds the probe suite (native/probes/probe.c, gcc -static) and runs it as pid 1 of a container made from
/// OciSpecBuilder's config under real crun, optionally weakened by an edit of that config.
/// </summary>
internal sealed class ProbeRunner : IAsyncDisposable
{
    private readonly string _dir;
    private readonly Process _outsider;

    private ProbeRunner(string dir, string binary, Process outsider, string marker)
    {
        _dir = dir;
        Binary = binary;
        _outsider = outsider;
        Marker = marker;
    }

    /// <summary>The static probe binary.</summary>
    public string Binary { get; }

    /// <summary>Text in the command line of <see cref="OutsidePid"/>, a host process no instance may see or touch.</summary>
    public string Marker { get; }

    public int OutsidePid => _outsider.Id;

    /// <summary>The probe's arguments that name the outside process.</summary>
    public string[] Args => ["--pid", OutsidePid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--marker", Marker];

    public static async Task<ProbeRunner> StartAsync()
    {
        RootOnly.Require();
        Assert.SkipWhen(!File.Exists("/usr/bin/gcc") || !File.Exists("/usr/bin/crun") || !File.Exists(BusyboxRootfs.HostBusybox),
            "needs gcc (with libc6-dev for -static), crun and busybox-static (scripts/install-deps.sh)");
        await CgroupHost.FixHybridForCrunAsync(ct: TestContext.Current.CancellationToken);
        string dir = Directory.CreateTempSubdirectory("berth-probe-").FullName;
        // crun reaches the root from inside the user namespace, as an unprivileged host ID: the path must be traversable.
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
        string binary = Path.Combine(dir, "probe");
        await Sh.RunCheckedAsync("gcc", "-static", "-O1", "-o", binary, Path.Combine(RepoRoot(), "native", "probes", "probe.c"));
        string marker = "berth-probe-outsider-" + Guid.NewGuid().ToString("N")[..8];
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "sleep 600", marker } };
        Process outsider = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        return new ProbeRunner(dir, binary, outsider, marker);
    }

    /// <summary>Runs the suite in a container of <paramref name="manifest"/>; returns each probe's status by name and the whole output.</summary>
    public async Task<(Dictionary<string, string> Status, string Output)> RunAsync(
        Manifest manifest, IdRange? ids, Action<JsonObject>? weaken = null, params string[] extraArgs)
    {
        string id = "probe-" + Guid.NewGuid().ToString("N")[..12];
        string rootfs = Path.Combine(_dir, id, "rootfs");
        string bundle = Path.Combine(_dir, id, "bundle");
        string mapped = Path.Combine(_dir, id, "mapped");
        Directory.CreateDirectory(bundle);
        await BusyboxRootfs.BuildAsync(rootfs);
        File.Copy(Binary, Path.Combine(rootfs, "probe"));
        string root = rootfs;
        if (ids is not null)
        {
            await IdmappedMount.MountAsync(rootfs, mapped, ids, TestContext.Current.CancellationToken);
            root = mapped;
        }

        string cgroups = $"/berth-probe/{id}";
        try
        {
            var input = new OciSpecInput(manifest with { Uuid = Guid.NewGuid().ToString() }, root, ["/probe", .. Args, .. extraArgs],
                cgroups, Terminal: false, UserNamespace: ids, HostCapabilities: LinuxCapabilities.OfThisProcess());
            var config = (JsonObject)JsonNode.Parse(OciSpecBuilder.Build(input))!;
            weaken?.Invoke(config);
            await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), config.ToJsonString(), TestContext.Current.CancellationToken);
            CommandResult run = await CommandRunner.Default.RunAsync(Crun.Binary, ["--root", Path.Combine(_dir, "crun"), "run", "--bundle", bundle, id],
                ct: TestContext.Current.CancellationToken);
            string output = run.Stdout + run.Stderr;
            TestContext.Current.TestOutputHelper?.WriteLine(output);
            var status = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in run.Stdout.Split('\n'))
            {
                string[] words = line.Split(' ', 3);
                if (words.Length == 3 && words[0] is "PASS" or "FAIL" or "SKIP" or "TODO")
                {
                    status[words[1].TrimEnd(':')] = words[0];
                }
            }

            Assert.True(status.Count > 0, $"the probe suite printed no results: {output}");
            return (status, output);
        }
        finally
        {
            await CommandRunner.Default.RunAsync(Crun.Binary, ["--root", Path.Combine(_dir, "crun"), "delete", "-f", id]);
            IdmappedMount.Unmount(mapped);
            foreach (string cg in new InstanceCgroup(cgroups).Directories.Where(Directory.Exists))
            {
                Directory.Delete(cg);
            }
        }
    }

    /// <summary>The checkout: the directory above this assembly that holds Berth.slnx.</summary>
    public static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Berth.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Berth.slnx not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        _outsider.Kill();
        await _outsider.WaitForExitAsync();
        _outsider.Dispose();
        foreach (string mount in Directory.GetDirectories(_dir, "mapped", SearchOption.AllDirectories))
        {
            IdmappedMount.Unmount(mount);
        }

        Directory.Delete(_dir, recursive: true);
        foreach (string cg in new InstanceCgroup("/berth-probe").Directories.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(cg);
            }
            catch (IOException)
            {
                // Another probe test class still has a container there.
            }
        }
    }
}
