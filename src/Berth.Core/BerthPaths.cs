namespace Berth.Core;

/// <summary>The directories and names one berthd uses; two daemons with different values run side by side.</summary>
public sealed record BerthPaths(string StateDir, string RunDir, string CgroupParent)
{
    public string DatabasePath => Path.Combine(StateDir, "berth.db");

    /// <summary>OCI bundles (config.json and per-instance files), one directory per instance.</summary>
    public string BundlesDir => Path.Combine(StateDir, "bundles");

    /// <summary>crun's --root: its state, private to this daemon.</summary>
    public string CrunRoot => Path.Combine(RunDir, "crun");

    /// <summary>Per-instance monitor files: pidfiles, exit status, attach socket, log.</summary>
    public string MonitorDir => Path.Combine(RunDir, "monitor");

    public string PoolsDir => Path.Combine(StateDir, "pools");

    public string ImagesCacheDir => Path.Combine(StateDir, "images");

    /// <summary>Per-instance metadata socket directories, each bind-mounted into its instance.</summary>
    public string MetadataDir => Path.Combine(RunDir, "metadata");

    /// <summary>The static mdata-get/put/delete/list tools mounted into every lx instance; null or missing mounts none.</summary>
    public string? MdataToolsDir { get; init; }
}
