using Berth.Api.Contracts;

namespace Berth.Core.Instances.Containers;

/// <summary>What the container driver needs to create an lx instance.</summary>
/// <param name="Manifest">the validated manifest (uuid set)</param>
/// <param name="RootfsPath">the instance's dataset directory, used as the OCI root</param>
/// <param name="Image">the image the instance was made from (init and stop signal)</param>
/// <param name="UserNamespace">the instance's host ID range; its root is then mounted idmapped. Null: no user namespace (privileged).</param>
public sealed record ContainerSpec(Manifest Manifest, string RootfsPath, ImageManifest Image, IdRange? UserNamespace = null);

/// <summary>What crun says of a container.</summary>
/// <param name="Status">created | running | stopped | paused</param>
public sealed record ContainerStatus(string Status, int Pid);

/// <summary>Runs lx instances with crun under a per-instance monitor (conmon) that outlives berthd.</summary>
/// <remarks>Split by concern: Lifecycle (create, start, kill, delete), Status (state, exit, monitor), Exec.</remarks>
public sealed partial class ContainerDriver
{
    public const string Conmon = "/usr/bin/conmon";

    private readonly Crun _crun;

    public ContainerDriver(BerthPaths paths, Host.CommandRunner runner)
    {
        Paths = paths;
        Runner = runner;
        _crun = new Crun(runner, paths.CrunRoot);
    }

    public BerthPaths Paths { get; }

    internal Host.CommandRunner Runner { get; }

    /// <summary>The OCI cgroupsPath of an instance: its own cgroup under this daemon's parent.</summary>
    public string CgroupsPath(string uuid) => $"/{Paths.CgroupParent.Trim('/')}/{uuid}";

    /// <summary>The instance's bundle: config.json, resolv.conf, and conmon's attach socket and fifos.</summary>
    public string BundleDir(string uuid) => Path.Combine(Paths.BundlesDir, uuid);

    /// <summary>The instance's monitor files: conmon and init pidfiles, exit status, console log.</summary>
    public string MonitorDir(string uuid) => Path.Combine(Paths.MonitorDir, uuid);

    /// <summary>conmon links &lt;dir&gt;/&lt;uuid&gt; to the bundle so that the attach socket path stays short.</summary>
    internal string SocketsDir => Path.Combine(Paths.MonitorDir, "sockets");

    /// <summary>Where the dataset is mounted idmapped while crun creates the container (it is detached from the host right after).</summary>
    internal string IdmappedRootPath(string uuid) => Path.Combine(Paths.RunDir, "rootfs", uuid);

    public string ConsoleLogPath(string uuid) => Path.Combine(MonitorDir(uuid), "console.log");

    /// <summary>crun's own log of the create conmon runs: its errors say why a create failed.</summary>
    internal string CrunLogPath(string uuid) => Path.Combine(MonitorDir(uuid), "crun.log");

    internal string ExitDir(string uuid) => Path.Combine(MonitorDir(uuid), "exits");

    internal string InitPidFile(string uuid) => Path.Combine(MonitorDir(uuid), "init.pid");

    internal string ConmonPidFile(string uuid) => Path.Combine(MonitorDir(uuid), "conmon.pid");

    internal static void CheckUuid(string uuid)
    {
        if (!Guid.TryParse(uuid, out _))
        {
            throw BerthException.Invalid("uuid", $"\"{uuid}\" is not a UUID");
        }
    }
}
