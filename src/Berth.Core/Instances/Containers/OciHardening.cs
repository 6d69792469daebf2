namespace Berth.Core.Instances.Containers;

/// <summary>The default hardening of lx instances, as data (docs/containers.md explains each entry).</summary>
public static class OciHardening
{
    /// <summary>Capabilities root inside an instance keeps: Docker's default set plus NET_ADMIN.</summary>
    /// <remarks>
    /// All are namespaced by the instance's own user namespace: they act only on what it owns (its network namespace,
    /// so NET_ADMIN and NET_RAW reach only its own stack; its files through the idmapped root; its processes).
    /// </remarks>
    public static IReadOnlyList<(string Capability, string Reason)> Capabilities { get; } =
    [
        ("CAP_CHOWN", "package managers and init scripts chown files"),
        ("CAP_DAC_OVERRIDE", "root reads and writes files regardless of their mode, as admins expect"),
        ("CAP_FOWNER", "root changes modes and times of files it does not own"),
        ("CAP_FSETID", "keeps setuid/setgid bits when root edits such files"),
        ("CAP_KILL", "init and root signal processes of other users inside the instance"),
        ("CAP_SETGID", "login, su and daemons drop to other groups"),
        ("CAP_SETUID", "login, su and daemons drop to other users"),
        ("CAP_SETPCAP", "daemons drop capabilities from their own bounding set"),
        ("CAP_SETFCAP", "dpkg/apt set file capabilities on binaries such as ping"),
        ("CAP_MKNOD", "package scripts create device nodes; the devices cgroup still allows only the listed ones"),
        ("CAP_NET_ADMIN", "root configures its own interfaces, routes and firewall (own network namespace, as a zone's own IP stack)"),
        ("CAP_NET_RAW", "ping, DHCP clients and packet captures on its own interfaces"),
        ("CAP_NET_BIND_SERVICE", "daemons bind ports below 1024"),
        ("CAP_SYS_CHROOT", "sshd privilege separation and build tools chroot"),
        ("CAP_AUDIT_WRITE", "login and sshd write audit records (they fail without it)"),
    ];

    /// <summary>Paths hidden from the instance: they leak host details or kernel memory.</summary>
    public static IReadOnlyList<string> MaskedPaths { get; } =
    [
        "/proc/acpi",
        "/proc/asound",
        "/proc/kcore",
        "/proc/keys",
        "/proc/latency_stats",
        "/proc/timer_list",
        "/proc/timer_stats",
        "/proc/sched_debug",
        "/proc/scsi",
        "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ];

    /// <summary>Paths the instance reads but cannot write: they change the whole host.</summary>
    public static IReadOnlyList<string> ReadonlyPaths { get; } =
    [
        "/proc/bus",
        "/proc/fs",
        "/proc/irq",
        "/proc/sys",
        "/proc/sysrq-trigger",
    ];

    /// <summary>Character devices the instance may use (type, major, minor; -1 = any): the usual pseudo devices, ttys and ptys.</summary>
    public static IReadOnlyList<(string Name, long Major, long Minor)> AllowedDevices { get; } =
    [
        ("/dev/null", 1, 3),
        ("/dev/zero", 1, 5),
        ("/dev/full", 1, 7),
        ("/dev/random", 1, 8),
        ("/dev/urandom", 1, 9),
        ("/dev/tty", 5, 0),
        ("/dev/console", 5, 1),
        ("/dev/ptmx", 5, 2),
        ("/dev/pts/*", 136, -1),
    ];

    /// <summary>The FUSE device, created and allowed only when the manifest sets <c>fuse</c>.</summary>
    public static (string Name, long Major, long Minor) FuseDevice { get; } = ("/dev/fuse", 10, 229);
}
