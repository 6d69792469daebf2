using G = Berth.Core.Manifests.PropertyGroup;
using T = Berth.Core.Manifests.PropertyType;
using static Berth.Core.Manifests.PropertyUnit;

namespace Berth.Core.Manifests;

/// <summary>Every manifest property, as data. Validation, docs/manifest.md and <c>vm validate</c> read it.</summary>
public static class PropertyTable
{
    private static readonly string[] s_lx = ["lx"];

    /// <summary>Brands Berth knows of but cannot run yet; they are refused as "not supported yet".</summary>
    public static IReadOnlyList<string> UnsupportedBrands { get; } = ["kvm", "bhyve", "joyent", "joyent-minimal", "builder"];

    /// <summary>All rows, in the order of docs/manifest.md.</summary>
    public static IReadOnlyList<PropertyDef> All { get; } =
    [
        // Identity
        P("uuid", G.Identity, T.Uuid, defaultNote: "generated", update: UpdateMode.No,
            mechanism: "names the dataset, the cgroup and the crun container",
            description: "The instance's key. Generated (random) when absent."),
        P("alias", G.Identity, T.Hostname, update: UpdateMode.Live,
            mechanism: "Berth's record only",
            description: "A human name, unique on the host, accepted wherever an instance is named."),
        P("hostname", G.Identity, T.Hostname, defaultNote: "alias, else uuid", update: UpdateMode.Restart,
            mechanism: "UTS namespace hostname (OCI `hostname`)",
            description: "The instance's hostname."),
        P("brand", G.Identity, T.Choice, required: true, update: UpdateMode.No, choices: s_lx,
            mechanism: "picks the driver: `lx` = crun OCI container",
            description: "`lx`: a Linux OS container running the image's own init. `kvm` comes later."),
        P("image_uuid", G.Identity, T.Uuid, required: true, update: UpdateMode.No,
            mechanism: "root dataset is a copy-on-write snapshot of the image's",
            description: "The image the instance's root filesystem is made from."),
        P("autoboot", G.Identity, T.Boolean, @default: true, update: UpdateMode.Live,
            mechanism: "berthd starts it on its first start after a host boot (boot_id changed)",
            description: "Start the instance at create and after a host reboot."),
        P("zpool", G.Identity, T.Name, @default: "default", update: UpdateMode.No,
            mechanism: "the storage pool (btrfs subvolumes or directories) holding the root dataset",
            description: "The pool the instance's datasets live in."),

        // Resources
        P("max_physical_memory", G.Resources, T.Integer, MiB, @default: 256L, update: UpdateMode.Live, min: 16, max: 1L << 20,
            mechanism: "memory cgroup limit (`memory.limit_in_bytes`; `memory.max` on v2)",
            description: "Memory the instance may use; above it the kernel reclaims, then OOM-kills inside the instance."),
        P("max_swap", G.Resources, T.Integer, MiB, defaultNote: "2 x max_physical_memory", update: UpdateMode.Live, min: 16, max: 1L << 21,
            mechanism: "memory+swap cgroup limit (`memory.memsw.limit_in_bytes`; `memory.swap.max` = max_swap - max_physical_memory on v2)",
            description: "Memory plus swap, as vmadm counts it; at least max_physical_memory. An update raising max_physical_memory above it raises it to match."),
        P("cpu_cap", G.Resources, T.Integer, Percent, @default: 0L, update: UpdateMode.Live, min: 0, max: 100_000,
            mechanism: "CFS bandwidth: `cpu.cfs_quota_us` = cpu_cap x period / 100 (`cpu.max` on v2)",
            description: "CPU time in percent of one CPU (200 = two CPUs); 0 = no cap."),
        P("cpu_shares", G.Resources, T.Integer, Shares, @default: 100L, update: UpdateMode.Live, min: 2, max: 262_144,
            mechanism: "`cpu.shares` (`cpu.weight` on v2)",
            description: "Relative CPU weight against other instances when the CPU is contended."),
        P("max_lwps", G.Resources, T.Integer, Count, @default: 2000L, update: UpdateMode.Live, min: 10, max: 4_194_304,
            mechanism: "pids cgroup limit (`pids.max`)",
            description: "Most processes and threads the instance may have at once."),
        P("quota", G.Resources, T.Integer, GiB, @default: 10L, update: UpdateMode.Live, min: 0, max: 1L << 20,
            mechanism: "btrfs qgroup limit on the root subvolume",
            description: "Disk space of the root dataset; 0 = no quota. A pool that cannot enforce quota refuses a non-zero one."),

        // Network
        P("resolvers", G.Network, T.Ipv4Array, Count, update: UpdateMode.Restart, min: 0, max: 3,
            mechanism: "`/etc/resolv.conf` bind-mounted from the instance's bundle",
            description: "DNS servers of the instance (the resolver library reads at most 3)."),
        P("nics", G.Network, T.NicArray, Count, update: UpdateMode.No, min: 0, max: 32,
            mechanism: "a veth pair per nic on the nic tag's bridge, its peer moved into the instance's network namespace",
            description: "The instance's network interfaces (fields below)."),

        // Nic fields
        P("nics[].interface", G.Nic, T.String, defaultNote: "eth0, eth1, ... in order", onCreate: false, update: UpdateMode.No,
            mechanism: "interface name inside the instance",
            description: "Set by Berth; refused when given."),
        P("nics[].nic_tag", G.Nic, T.Name, @default: "admin", update: UpdateMode.No,
            mechanism: "picks the network and so its bridge (`admin` = berth0)",
            description: "The network the nic is on."),
        P("nics[].ip", G.Nic, T.Ipv4, update: UpdateMode.No,
            mechanism: "address on the instance's interface (rtnetlink inside its network namespace)",
            description: "IPv4 address, with netmask (vmadm style). Give either ip with netmask or ips."),
        P("nics[].netmask", G.Nic, T.Netmask, update: UpdateMode.No,
            mechanism: "prefix length of the address",
            description: "Dotted netmask of ip; its one bits must be contiguous."),
        P("nics[].ips", G.Nic, T.CidrArray, Count, update: UpdateMode.No, min: 1, max: 16,
            mechanism: "addresses on the instance's interface",
            description: "Addresses in CIDR form (`10.0.0.5/24`), instead of ip and netmask."),
        P("nics[].gateway", G.Nic, T.Ipv4, update: UpdateMode.No,
            mechanism: "the instance's default route, from the primary nic",
            description: "Router of the nic's subnet; must lie in it."),
        P("nics[].mac", G.Nic, T.Mac, defaultNote: "generated", update: UpdateMode.No,
            mechanism: "MAC address of the instance side of the veth pair",
            description: "Unicast MAC, unique among the nics. Generated when absent: locally administered, derived from uuid and nic index."),
        P("nics[].primary", G.Nic, T.Boolean, defaultNote: "true for the first nic", update: UpdateMode.No,
            mechanism: "the nic whose gateway becomes the default route",
            description: "Exactly one nic is primary."),

        // Metadata
        P("tags", G.Metadata, T.TagMap, update: UpdateMode.Live,
            mechanism: "Berth's record only (list filters)",
            description: "Free-form labels: an object of string, number or boolean values."),
        P("customer_metadata", G.Metadata, T.StringMap, update: UpdateMode.Live,
            mechanism: "served to the instance by the metadata service (`mdata-get`)",
            description: "Keys and string values for the instance's software."),
        P("internal_metadata", G.Metadata, T.StringMap, update: UpdateMode.Live,
            mechanism: "served to the instance read-only by the metadata service",
            description: "Keys and string values for operators; the instance cannot change them."),

        // Security opt-outs (dangerous): absent means the hardened default.
        P("privileged", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, origin: PropertyOrigin.Berth,
            mechanism: "no user namespace (root inside is host root), every capability, no seccomp filter, no masked or read-only paths, every device",
            description: "DANGEROUS: root inside is root on the host; only for fully trusted software. Takes effect at the next start."),
        P("nesting", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, origin: PropertyOrigin.Berth,
            mechanism: "the seccomp filter allows unshare, setns, clone with namespace flags, clone3 and the mount calls",
            description: "DANGEROUS: lets the instance make nested user namespaces and mount filesystems in them (containers in the container), which exposes far more kernel code."),
        P("fuse", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, origin: PropertyOrigin.Berth,
            mechanism: "/dev/fuse (10:229) created and allowed by the devices cgroup",
            description: "DANGEROUS: gives the instance the FUSE device (FUSE filesystems need nesting or CAP_SYS_ADMIN to mount)."),
        P("extra_capabilities", G.Security, T.CapabilityArray, Count, update: UpdateMode.Restart, min: 0, max: 41, origin: PropertyOrigin.Berth,
            mechanism: "added to the bounding, effective and permitted sets (still namespaced by the user namespace)",
            description: "DANGEROUS: capabilities beyond the default set (docs/containers.md lists the default and why each is left out)."),

        // Read-only
        P("state", G.ReadOnly, T.String, onCreate: false, update: UpdateMode.No,
            mechanism: "berthd's lifecycle table, reconciled with `crun state`",
            description: "provisioning, stopped, running, stopping, failed, maintenance or deleted."),
        P("pid", G.ReadOnly, T.Integer, onCreate: false, update: UpdateMode.No,
            mechanism: "the host pid of the instance's init",
            description: "Pid of init while running."),
        P("create_timestamp", G.ReadOnly, T.Timestamp, onCreate: false, update: UpdateMode.No,
            mechanism: "berthd's record",
            description: "When the instance was created (ISO 8601, UTC)."),
        P("last_modified", G.ReadOnly, T.Timestamp, onCreate: false, update: UpdateMode.No,
            mechanism: "berthd's record",
            description: "When the manifest last changed (ISO 8601, UTC)."),
        P("exit_status", G.ReadOnly, T.Integer, onCreate: false, update: UpdateMode.No,
            mechanism: "the monitor's (conmon's) exit file",
            description: "Exit status of init when it last stopped."),
        P("quota_used_bytes", G.ReadOnly, T.Integer, Bytes, onCreate: false, update: UpdateMode.No,
            mechanism: "the dataset's usage (btrfs: exclusive bytes of its qgroup), read when the manifest is fetched",
            description: "Disk space the quota counts (shown by vm get, not stored)."),
        P("quota_available_bytes", G.ReadOnly, T.Integer, Bytes, onCreate: false, update: UpdateMode.No,
            mechanism: "quota minus usage, or the pool's free space when there is no quota",
            description: "Disk space left to the instance (shown by vm get, not stored)."),
    ];

    /// <summary>Rows of the top level of a manifest.</summary>
    public static IReadOnlyDictionary<string, PropertyDef> TopLevel { get; } =
        All.Where(p => !p.IsNicField).ToDictionary(p => p.Path, StringComparer.Ordinal);

    /// <summary>Rows of one entry of <c>nics[]</c>, by field name.</summary>
    public static IReadOnlyDictionary<string, PropertyDef> NicFields { get; } =
        All.Where(p => p.IsNicField).ToDictionary(p => p.Name, StringComparer.Ordinal);

    public static PropertyDef Get(string path) =>
        All.FirstOrDefault(p => p.Path == path) ?? throw new ArgumentException($"No manifest property {path}", nameof(path));

    private static PropertyDef P(
        string path,
        PropertyGroup group,
        PropertyType type,
        PropertyUnit unit = None,
        object? @default = null,
        string? defaultNote = null,
        bool required = false,
        bool onCreate = true,
        UpdateMode update = UpdateMode.No,
        long? min = null,
        long? max = null,
        IReadOnlyList<string>? choices = null,
        string mechanism = "",
        string description = "",
        PropertyOrigin origin = PropertyOrigin.Vmadm) =>
        new(path, group, type, unit, @default, defaultNote, s_lx, required, onCreate, update, min, max, choices,
            mechanism, description, origin);
}
