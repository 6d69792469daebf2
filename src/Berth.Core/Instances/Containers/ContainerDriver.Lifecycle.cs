using System.Diagnostics;
using Berth.Core.Host;

namespace Berth.Core.Instances.Containers;

public sealed partial class ContainerDriver
{
    private static readonly TimeSpan s_createTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Writes the bundle and starts the instance's monitor, which creates the container (state "created",
    /// init not yet running) and holds its console. Returns init's pid, so that nics can move into its netns
    /// before <see cref="StartAsync"/>. A failure leaves no bundle, monitor or crun state behind.
    /// </summary>
    public async Task<int> CreateAsync(ContainerSpec spec, CancellationToken ct = default)
    {
        string uuid = spec.Manifest.Uuid ?? throw BerthException.Invalid("uuid", "is required");
        CheckUuid(uuid);
        // crun keeps a directory per container under its root; looking is cheaper than a `crun state` process.
        if (Directory.Exists(Path.Combine(_crun.Root, uuid)))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"Failed creating container {uuid}: crun already has a container of that id");
        }

        EnableIoAccounting(spec.RootfsPath, uuid);
        try
        {
            string root = spec.RootfsPath;
            if (spec.UserNamespace is { } ids)
            {
                // Files keep their IDs on the pool (root's are 0); the instance sees them through its own mapping.
                root = IdmappedRootPath(uuid);
                await IdmappedMount.MountAsync(spec.RootfsPath, root, ids, ct).ConfigureAwait(false);
            }

            WriteBundle(spec, uuid, root);
            Directory.CreateDirectory(ExitDir(uuid));
            Directory.CreateDirectory(SocketsDir);
            CommandResult conmon = await Runner.RunAsync(Conmon, ConmonArgs(uuid), ct: ct).ConfigureAwait(false);
            if (!conmon.Succeeded)
            {
                throw new CommandFailedException(conmon);
            }

            int pid = await WaitCreatedAsync(uuid, ct).ConfigureAwait(false);
            // The container's mount namespace holds its own copy of the root now; the host needs none.
            IdmappedMount.Unmount(IdmappedRootPath(uuid));
            return pid;
        }
        catch (Exception e)
        {
            try
            {
                await DeleteAsync(uuid).ConfigureAwait(false);
            }
            catch (Exception undo)
            {
                throw new BerthException(ErrorKind.Internal, $"Failed creating container {uuid}: {e.Message}; and undoing it failed too: {undo.Message}", e);
            }

            throw new BerthException((e as BerthException)?.Kind ?? ErrorKind.Internal, $"Failed creating container {uuid}: {e.Message}", e);
        }
    }

    /// <summary>Starts init of a created container.</summary>
    public async Task StartAsync(string uuid, CancellationToken ct = default)
    {
        CheckUuid(uuid);
        int? pid = ReadPidFile(InitPidFile(uuid));
        string? before = pid is int p ? ExeOf(p) : null;
        try
        {
            await _crun.StartAsync(uuid, ct).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed starting container {uuid}: {e.Message}", e);
        }

        if (pid is int started)
        {
            await WaitInitExecAsync(started, before, ct).ConfigureAwait(false);
        }
    }

    // crun start returns once it has released init, which is still crun's (non-dumpable) process until it execs the
    // image's init; until then joining its namespaces from another user namespace is refused (an exec would fail).
    private static async Task WaitInitExecAsync(int pid, string? before, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(2) && Directory.Exists($"/proc/{pid}"))
        {
            string? exe = ExeOf(pid); // null (EACCES) while non-dumpable
            if (exe is not null && exe != before)
            {
                return;
            }

            await Task.Delay(1, ct).ConfigureAwait(false);
        }
    }

    private static string? ExeOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Sends a signal ("SIGUSR2", "KILL", "15"...) to the container's init.</summary>
    public async Task KillAsync(string uuid, string signal, CancellationToken ct = default)
    {
        CheckUuid(uuid);
        try
        {
            await _crun.KillAsync(uuid, signal, ct).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed sending {signal} to container {uuid}: {e.Message}", e);
        }
    }

    /// <summary>Kills and removes the container, its cgroup, monitor, monitor files and bundle. Idempotent.</summary>
    public async Task DeleteAsync(string uuid, CancellationToken ct = default)
    {
        CheckUuid(uuid);
        int? monitor = MonitorPid(uuid);
        try
        {
            await _crun.DeleteAsync(uuid, ct).ConfigureAwait(false);
            if (monitor is int pid)
            {
                await StopMonitorAsync(uuid, pid, ct).ConfigureAwait(false);
            }

            if (Directory.Exists(SocketsDir))
            {
                File.Delete(AttachLinkPath(uuid));
            }

            DeleteDirectory(MonitorDir(uuid));
            DeleteDirectory(BundleDir(uuid));
            IdmappedMount.Unmount(IdmappedRootPath(uuid));
        }
        catch (Exception e) when (e is CommandFailedException or IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed deleting container {uuid}: {e.Message}", e);
        }
    }

    private void WriteBundle(ContainerSpec spec, string uuid, string root)
    {
        string bundle = BundleDir(uuid);
        Directory.CreateDirectory(bundle);
        string? resolv = null;
        if (spec.Manifest.Resolvers is { Count: > 0 } resolvers)
        {
            resolv = Path.Combine(bundle, "resolv.conf");
            File.WriteAllText(resolv, ResolvConf(resolvers));
        }

        string? init = spec.Image.BerthInit;
        string metadataDir = Path.Combine(Paths.MetadataDir, uuid);
        Directory.CreateDirectory(metadataDir); // the mount's source; the metadata server puts its socket there
        var input = new OciSpecInput(
            spec.Manifest,
            root,
            string.IsNullOrWhiteSpace(init) ? OciSpecInput.DefaultInit : init.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            CgroupsPath(uuid),
            resolv,
            MetadataSocketDir: metadataDir,
            MdataToolsDir: Metadata.MdataTools.Usable(Paths.MdataToolsDir),
            UserNamespace: spec.UserNamespace,
            HostCapabilities: LinuxCapabilities.OfThisProcess());
        File.WriteAllText(Path.Combine(bundle, "config.json"), OciSpecBuilder.Build(input));
    }

    internal static string ResolvConf(IEnumerable<string> resolvers) =>
        "# written by Berth from the manifest's resolvers\n" + string.Concat(resolvers.Select(r => $"nameserver {r}\n"));

    private List<string> ConmonArgs(string uuid) =>
    [
        "--cid", uuid, "--cuuid", uuid, "--name", uuid,
        "--runtime", Crun.Binary, "--runtime-arg", _crun.RootArg, "--runtime-arg", $"--log={CrunLogPath(uuid)}",
        "--bundle", BundleDir(uuid),
        "--exit-dir", ExitDir(uuid),
        "--log-path", ConsoleLogPath(uuid),
        "--log-size-max", (8 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--container-pidfile", InitPidFile(uuid),
        "--conmon-pidfile", ConmonPidFile(uuid),
        "--socket-dir-path", SocketsDir,
        "--persist-dir", MonitorDir(uuid),
        "--syslog=false",
        "-t",
    ];

    // conmon returns at once (it forks); the container exists once crun has written init's pidfile.
    private async Task<int> WaitCreatedAsync(string uuid, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        int delayMs = 1;
        while (clock.Elapsed < s_createTimeout)
        {
            if (ReadPidFile(InitPidFile(uuid)) is int pid)
            {
                return pid;
            }

            if (MonitorPid(uuid) is int monitor && !ProcessAlive(monitor))
            {
                throw new BerthException(ErrorKind.Internal,
                    $"crun did not create it: {Tail(CrunLogPath(uuid))}");
            }

            await Task.Delay(delayMs, ct).ConfigureAwait(false);
            delayMs = Math.Min(delayMs * 2, 2);
        }

        throw new BerthException(ErrorKind.Unavailable, $"crun did not create the container within {s_createTimeout.TotalSeconds} s");
    }

    // crun delete ends the container; conmon then writes the exit file and exits. A monitor that lingers is killed.
    private async Task StopMonitorAsync(string uuid, int pid, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (IsMonitorOf(pid, uuid) && clock.Elapsed < TimeSpan.FromSeconds(2))
        {
            await Task.Delay(5, ct).ConfigureAwait(false);
        }

        if (IsMonitorOf(pid, uuid))
        {
            try
            {
                using Process process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Exited meanwhile.
            }
        }
    }

    private static void DeleteDirectory(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Tail(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return text.Length > 2000 ? text[^2000..] : text;
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }
}
