using Berth.Api.Contracts;

namespace Berth.Core.Instances.Containers;

/// <summary>A process resource limit for the OCI config (type as RLIMIT_NOFILE, soft and hard values).</summary>
public sealed record OciRlimit(string Type, ulong Soft, ulong Hard);

/// <summary>Everything <see cref="OciSpecBuilder"/> needs; no I/O happens while building.</summary>
/// <param name="Manifest">the validated manifest (uuid set)</param>
/// <param name="RootfsPath">the instance's root filesystem directory</param>
/// <param name="InitArgv">the image's init and its arguments, pid 1 of the instance</param>
/// <param name="CgroupsPath">OCI cgroupsPath, for example "/berth/&lt;uuid&gt;"</param>
/// <param name="ResolvConfPath">a file bind-mounted read-only at /etc/resolv.conf, or null for none</param>
/// <param name="Terminal">whether init gets a console pty (the monitor holds its master side)</param>
/// <param name="Rlimits">limits to set; null or empty leaves the monitor's own (never above the host's hard limits)</param>
/// <param name="MetadataSocketDir">the host directory of the instance's metadata socket, mounted at /native/.zonecontrol; null for none</param>
/// <param name="MdataToolsDir">the host directory of the static mdata tools, mounted read-only; null for none</param>
/// <param name="HostCapabilities">the capabilities the runtime itself has (a privileged instance gets these); null: all of Linux's</param>
/// <param name="UserNamespace">the host IDs of the instance's own user namespace; null runs it without one (privileged)</param>
public sealed record OciSpecInput(
    Manifest Manifest,
    string RootfsPath,
    IReadOnlyList<string> InitArgv,
    string CgroupsPath,
    string? ResolvConfPath = null,
    bool Terminal = true,
    IReadOnlyList<OciRlimit>? Rlimits = null,
    string? MetadataSocketDir = null,
    string? MdataToolsDir = null,
    IdRange? UserNamespace = null,
    IReadOnlyList<string>? HostCapabilities = null)
{
    /// <summary>The init an image boots unless it names another.</summary>
    public static IReadOnlyList<string> DefaultInit { get; } = ["/sbin/init"];

    /// <summary>The hostname: the manifest's, else its alias, else its uuid.</summary>
    public string Hostname =>
        !string.IsNullOrEmpty(Manifest.Hostname) ? Manifest.Hostname
        : !string.IsNullOrEmpty(Manifest.Alias) ? Manifest.Alias
        : Manifest.Uuid ?? throw new ArgumentException("the manifest has no uuid", nameof(Manifest));
}
