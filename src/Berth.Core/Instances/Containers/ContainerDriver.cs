using Berth.Api.Contracts;

namespace Berth.Core.Instances.Containers;

/// <summary>What the container driver needs to create an lx instance.</summary>
/// <param name="Manifest">the validated manifest (uuid set)</param>
/// <param name="RootfsPath">the instance's dataset directory, used as the OCI root</param>
/// <param name="Image">the image the instance was made from (init and stop signal)</param>
public sealed record ContainerSpec(Manifest Manifest, string RootfsPath, ImageManifest Image);

/// <summary>What crun says of a container.</summary>
/// <param name="Status">created | running | stopped | paused</param>
public sealed record ContainerStatus(string Status, int Pid);

/// <summary>Runs lx instances with crun under a per-instance monitor (conmon).</summary>
public sealed partial class ContainerDriver
{
    public ContainerDriver(BerthPaths paths, Host.CommandRunner runner)
    {
        Paths = paths;
        Runner = runner;
    }

    public BerthPaths Paths { get; }

    internal Host.CommandRunner Runner { get; }
}
