namespace Berth.Daemon;

/// <summary>berthd's configuration: /etc/berth/berthd.json, every key also a flag (--state-dir ...).</summary>
public sealed class BerthdOptions
{
    public string Socket { get; set; } = "/run/berth/berth.sock";
    public string StateDir { get; set; } = "/var/lib/berth";
    public string RunDir { get; set; } = "/run/berth";
    public string CgroupParent { get; set; } = "berth";
    public string Bridge { get; set; } = "berth0";
    /// <summary>The static mdata tools mounted into every lx instance (built by scripts/install-berth.sh).</summary>
    public string MdataTools { get; set; } = "/usr/local/lib/berth/mdata";
    /// <summary>A TCP address for the API (host:port); off by default.</summary>
    public string? Listen { get; set; }
    /// <summary>A TCP address for Prometheus metrics; off by default.</summary>
    public string? MetricsListen { get; set; }
    public string Config { get; set; } = "/etc/berth/berthd.json";
    /// <summary>Where the kernel's boot id is read; a changed id means a host boot (autoboot). Tests point it at a file of theirs.</summary>
    public string BootIdFile { get; set; } = Berth.Core.Supervision.BootId.DefaultPath;
}
