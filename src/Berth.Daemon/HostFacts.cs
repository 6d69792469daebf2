using Berth.Api.Contracts;
using Berth.Core;

namespace Berth.Daemon;

/// <summary>Facts about the host read once at start (crun's version, boot id) and on demand (memory).</summary>
internal sealed class HostFacts(BerthPaths paths, string crunVersion, string cgroupMode, string bootIdFile)
{
    public string BootId() => Berth.Core.Supervision.BootId.Read(bootIdFile);

    public Sysinfo Sysinfo() => new()
    {
        Hostname = Environment.MachineName,
        BerthVersion = typeof(HostFacts).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        Kernel = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
        BootId = BootId(),
        CgroupMode = cgroupMode,
        Cpus = Environment.ProcessorCount,
        MemoryMib = MemTotalMib(),
        CrunVersion = crunVersion,
        Kvm = File.Exists("/dev/kvm"),
        Brands = ["lx"],
        StateDir = paths.StateDir,
    };

    private static long MemTotalMib()
    {
        string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
