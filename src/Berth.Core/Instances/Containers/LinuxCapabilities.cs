using System.Globalization;

namespace Berth.Core.Instances.Containers;

/// <summary>Every capability of Linux 6.x by name (capability.h), for validation and privileged instances.</summary>
public static class LinuxCapabilities
{
    /// <summary>In bit order: capability N is ByBit[N].</summary>
    public static IReadOnlyList<string> ByBit { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    public static IReadOnlySet<string> All { get; } = new HashSet<string>(ByBit, StringComparer.Ordinal);

    /// <summary>The capabilities in a bounding-set mask as /proc/PID/status prints it (CapBnd, hex).</summary>
    public static IReadOnlyList<string> FromMask(string hex)
    {
        ulong mask = ulong.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return [.. ByBit.Where((_, bit) => (mask & (1UL << bit)) != 0)];
    }

    /// <summary>The bounding set of this process: a privileged instance can have no capability berthd lacks (crun's capset would fail).</summary>
    public static IReadOnlyList<string> OfThisProcess()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal));
        return line is null ? ByBit : FromMask(line["CapBnd:".Length..].Trim());
    }
}
