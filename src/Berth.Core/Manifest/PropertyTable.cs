using G = Berth.Core.Manifests.PropertyGroup;
using T = Berth.Core.Manifests.PropertyType;
using static Berth.Core.Manifests.PropertyUnit;

namespace Berth.Core.Manifests;

/// <summary>Every manifest property, as data. Validation, docs/manifest.md and <c>vm validate</c> read it.</summary>
public static class PropertyTable
{
    private static readonly string[] s_lx = ["lx"];
    private static readonly string[] s_restartModes = ["no", "on-failure", "always"];
    private static readonly string[] s_kvm = ["kvm"];
    private static readonly string[] s_all = ["lx", "kvm"];

    /// <summary>Brands Berth knows of but cannot run yet; they are refused as "not supported yet".</summary>
    public static IReadOnlyList<string> UnsupportedBrands { get; } = ["bhyve", "joyent", "joyent-minimal", "builder"];

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
        P("brand", G.Identity, T.Choice, required: true, update: UpdateMode.No, choices: s_all,
            mechanism: "picks the driver: `lx` = crun OCI container, `kvm` = QEMU process (KVM when /dev/kvm works, else TCG)",
            description: "`lx`: a Linux OS container running the image's own init. `kvm`: a hardware VM (docs/vms.md)."),
        P("image_uuid", G.Identity, T.Uuid, required: true, update: UpdateMode.No, brands: s_lx,
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
            brands: s_lx,
            mechanism: "memory cgroup limit (`memory.limit_in_bytes`; `memory.max` on v2)",
            description: "Memory the instance may use; above it the kernel reclaims, then OOM-kills inside the instance."),
        P("max_swap", G.Resources, T.Integer, MiB, defaultNote: "2 x max_physical_memory", update: UpdateMode.Live, min: 16, max: 1L << 21,
            brands: s_lx,
            mechanism: "memory+swap cgroup limit (`memory.memsw.limit_in_bytes`; `memory.swap.max` = max_swap - max_physical_memory on v2)",
            description: "Memory plus swap, as vmadm counts it; at least max_physical_memory. An update raising max_physical_memory above it raises it to match."),
        P("cpu_cap", G.Resources, T.Integer, Percent, @default: 0L, update: UpdateMode.Live, min: 0, max: 100_000,
            mechanism: "CFS bandwidth: `cpu.cfs_quota_us` = cpu_cap x period / 100 (`cpu.max` on v2)",
            description: "CPU time in percent of one CPU (200 = two CPUs); 0 = no cap."),
        P("cpu_shares", G.Resources, T.Integer, Shares, @default: 100L, update: UpdateMode.Live, min: 2, max: 262_144,
            mechanism: "`cpu.shares` (`cpu.weight` on v2)",
            description: "Relative CPU weight against other instances when the CPU is contended."),
        P("max_lwps", G.Resources, T.Integer, Count, @default: 2000L, update: UpdateMode.Live, min: 10, max: 4_194_304,
            brands: s_lx,
            mechanism: "pids cgroup limit (`pids.max`)",
            description: "Most processes and threads the instance may have at once."),
        P("quota", G.Resources, T.Integer, GiB, @default: 10L, update: UpdateMode.Live, min: 0, max: 1L << 20,
            brands: s_lx,
            mechanism: "btrfs qgroup limit on the root subvolume",
            description: "Disk space of the root dataset; 0 = no quota. A pool that cannot enforce quota refuses a non-zero one."),

        // Network
        P("resolvers", G.Network, T.Ipv4Array, Count, update: UpdateMode.Restart, min: 0, max: 3,
            mechanism: "`/etc/resolv.conf` bind-mounted from the instance's bundle",
            description: "DNS servers of the instance (the resolver library reads at most 3)."),
        P("firewall_enabled", G.Network, T.Boolean, defaultNote: "false", update: UpdateMode.Live,
            mechanism: "the instance's addresses join the firewalled set of Berth's nftables table (`inet berth_fw`)",
            description: "Apply firewall rules (`berth fw`) to the instance: inbound is blocked and outbound allowed unless a rule says otherwise."),
        P("nics", G.Network, T.NicArray, Count, update: UpdateMode.No, min: 0, max: 32,
            mechanism: "a veth pair per nic on the nic tag's bridge, its peer moved into the instance's network namespace",
            description: "The instance's network interfaces (fields below). `vm update` changes them with vmadm's add_nics, update_nics (keyed by mac) and remove_nics, live on a running container."),
        P("routes", G.Network, T.RouteMap, update: UpdateMode.Restart,
            mechanism: "routes in the instance's main table, over rtnetlink inside its network namespace",
            description: "vmadm's map of destination (`10.2.0.0/16` or a host address) to gateway address, or to `nics[N]` for a route on that nic's link."),

        // VM (kvm brand)
        P("ram", G.Vm, T.Integer, MiB, @default: 256L, update: UpdateMode.Restart, min: 16, max: 1L << 20, brands: s_kvm,
            mechanism: "QEMU `-m`; the VM's memory cgroup limit is ram plus a fixed overhead (docs/vms.md)",
            description: "Guest memory."),
        P("vcpus", G.Vm, T.Integer, Count, @default: 1L, update: UpdateMode.Restart, min: 1, max: 64, brands: s_kvm,
            mechanism: "QEMU `-smp`",
            description: "Virtual CPUs of the guest; cpu_cap still caps the host CPU time they get."),
        P("cpu_type", G.Vm, T.Choice, @default: "qemu64", update: UpdateMode.Restart, brands: s_kvm, choices: ["qemu64", "host", "max"],
            mechanism: "QEMU `-cpu` (`host` needs KVM)",
            description: "The CPU model the guest sees."),
        P("bootrom", G.Vm, T.Choice, @default: "bios", update: UpdateMode.Restart, brands: s_kvm, choices: ["bios", "uefi"],
            mechanism: "SeaBIOS, or OVMF (`/usr/share/OVMF/OVMF_CODE_4M.fd`, the `ovmf` package) as pflash",
            description: "Firmware; `uefi` is refused when OVMF is not installed, and is not for machine_type microvm."),
        P("machine_type", G.Vm, T.Choice, @default: "q35", update: UpdateMode.Restart, brands: s_kvm, choices: ["q35", "microvm"],
            mechanism: "QEMU `-machine` (microvm: virtio-mmio devices, no PCI, needs kernel)",
            description: "The emulated machine.", origin: PropertyOrigin.Berth),
        P("disks", G.Vm, T.DiskArray, Count, update: UpdateMode.No, min: 0, max: 16, brands: s_kvm,
            mechanism: "one raw file per disk in the instance's dataset on the pool",
            description: "The VM's disks (fields below)."),
        P("vnc_port", G.Vm, T.Integer, @default: 0L, update: UpdateMode.Restart, min: -1, max: 65535, brands: s_kvm,
            mechanism: "QEMU `-vnc 127.0.0.1:N` (display = port - 5900)",
            description: "0: VNC on a free port chosen by QEMU on localhost; -1: no VNC; 5900..65535: that port."),
        P("vnc_password", G.Vm, T.String, update: UpdateMode.Restart, brands: s_kvm,
            mechanism: "set over QMP (`change-vnc-password`) at start",
            description: "Password of the VNC console (VNC uses at most 8 characters)."),
        P("kernel", G.Vm, T.HostPath, update: UpdateMode.Restart, brands: s_kvm,
            mechanism: "QEMU `-kernel` (direct kernel boot, no firmware step)",
            description: "Host path of a Linux kernel to boot directly. Not in vmadm.", origin: PropertyOrigin.Berth),
        P("initrd", G.Vm, T.HostPath, update: UpdateMode.Restart, brands: s_kvm,
            mechanism: "QEMU `-initrd`",
            description: "Host path of an initramfs for kernel. Not in vmadm.", origin: PropertyOrigin.Berth),
        P("kernel_args", G.Vm, T.String, update: UpdateMode.Restart, brands: s_kvm,
            mechanism: "QEMU `-append`",
            description: "The kernel command line (with kernel only). Not in vmadm.", origin: PropertyOrigin.Berth),

        // Disk fields
        P("disks[].size", G.Disk, T.Integer, MiB, update: UpdateMode.No, min: 1, max: 1L << 24, brands: s_kvm,
            mechanism: "a sparse raw file of that size",
            description: "Size of the disk; required unless image_uuid gives it."),
        P("disks[].image_uuid", G.Disk, T.Uuid, update: UpdateMode.No, brands: s_kvm,
            mechanism: "copy-on-write clone of a zvol image",
            description: "An image of type zvol to clone the disk from (refused for now: Berth has no zvol images yet)."),
        P("disks[].boot", G.Disk, T.Boolean, @default: false, update: UpdateMode.No, brands: s_kvm,
            mechanism: "QEMU `bootindex=0`",
            description: "Boot from this disk; at most one disk boots."),
        P("disks[].model", G.Disk, T.Choice, @default: "virtio", update: UpdateMode.No, brands: s_kvm, choices: ["virtio", "ide", "scsi", "nvme"],
            mechanism: "QEMU device: virtio-blk, ide-hd, scsi-hd (virtio-scsi), nvme",
            description: "The emulated disk controller (microvm: virtio only)."),
        P("disks[].media", G.Disk, T.Choice, @default: "disk", update: UpdateMode.No, brands: s_kvm, choices: ["disk", "cdrom"],
            mechanism: "QEMU `media=`",
            description: "A disk, or a read-only cdrom."),
        P("disks[].path", G.Disk, T.String, onCreate: false, update: UpdateMode.No, brands: s_kvm,
            mechanism: "`<dataset>/disk<N>.raw` in the instance's dataset",
            description: "Set by Berth; refused when given."),

        // Nic fields
        P("nics[].interface", G.Nic, T.String, defaultNote: "eth0, eth1, ... in order", onCreate: false, update: UpdateMode.No,
            mechanism: "interface name inside the instance",
            description: "Set by Berth; refused when given."),
        P("nics[].nic_tag", G.Nic, T.Name, @default: "admin", update: UpdateMode.No,
            mechanism: "picks the network and so its bridge (`admin` = berth0)",
            description: "The network the nic is on."),
        P("nics[].network_uuid", G.Nic, T.Uuid, update: UpdateMode.No,
            mechanism: "picks the network (and so its bridge) by uuid instead of nic_tag",
            description: "The network the nic is on; nic_tag is then filled from it."),
        P("nics[].vlan_id", G.Nic, T.Integer, update: UpdateMode.No, min: 1, max: 4094,
            mechanism: "the host port is an untagged member of this VLAN only (bridge VLAN filtering); needs a kernel with 802.1Q",
            description: "802.1Q VLAN of the nic on its bridge (a network's own vlan_id wins)."),
        P("nics[].ip", G.Nic, T.Ipv4, update: UpdateMode.No,
            mechanism: "address on the instance's interface (rtnetlink inside its network namespace); recorded by IPAM so no other nic gets it",
            description: "IPv4 address (vmadm style). Absent, with ips absent too: a free address of the network's range is allocated."),
        P("nics[].netmask", G.Nic, T.Netmask, defaultNote: "the network's", update: UpdateMode.No,
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
        P("nics[].model", G.Nic, T.Choice, @default: "virtio", update: UpdateMode.No, brands: s_kvm, choices: ["virtio", "e1000"],
            mechanism: "QEMU nic device on a tap in the nic tag's bridge (virtio-net-pci, e1000; virtio-net-device on microvm)",
            description: "The emulated nic of a VM."),

        P("nics[].allow_ip_spoofing", G.Nic, T.Boolean, defaultNote: "false", update: UpdateMode.No,
            mechanism: "the host veth leaves the IP-checked set of Berth's anti-spoofing table (`bridge berth_antispoof`)",
            description: "Let the instance send IPv4 and ARP from addresses other than its own."),
        P("nics[].allow_mac_spoofing", G.Nic, T.Boolean, defaultNote: "false", update: UpdateMode.No,
            mechanism: "the host veth leaves the MAC-checked set of the anti-spoofing table",
            description: "Let the instance send frames from MACs other than the nic's."),
        P("nics[].allow_dhcp_spoofing", G.Nic, T.Boolean, defaultNote: "false", update: UpdateMode.No,
            mechanism: "the host veth leaves the DHCP-checked set of the anti-spoofing table",
            description: "Let the instance answer DHCP (send from UDP port 67 to 68), as a DHCP server does."),
        P("nics[].allowed_ips", G.Nic, T.AddressArray, Count, update: UpdateMode.No, min: 1, max: 32,
            mechanism: "more (veth, address) elements in the anti-spoofing table's address set",
            description: "More IPv4 addresses or CIDR subnets the instance may send from (a shared or floating address)."),

        // Metadata
        P("tags", G.Metadata, T.TagMap, update: UpdateMode.Live,
            mechanism: "Berth's record only (list filters)",
            description: "Free-form labels: an object of string, number or boolean values."),
        P("customer_metadata", G.Metadata, T.StringMap, update: UpdateMode.Live,
            mechanism: "served to the instance by the metadata service (`mdata-get`, `mdata-put`; docs/metadata.md)",
            description: "Keys and string values for the instance's software, which may also change them; `user-script` runs once at first boot."),
        P("internal_metadata", G.Metadata, T.StringMap, update: UpdateMode.Live,
            mechanism: "served to the instance read-only by the metadata service",
            description: "Keys and string values for operators; the instance cannot change them."),

        // Supervision (docs/supervision.md)
        P("depends_on", G.Supervision, T.InstanceArray, Count, update: UpdateMode.Live, min: 0, max: 32, origin: PropertyOrigin.Berth,
            mechanism: "berthd's supervisor: autoboot and restarts wait until each is running and passes its health_check",
            description: "Instances (UUID or alias) that must be running, and answering their `health_check` if they have one, before this one is started at boot. A cycle is refused."),
        P("health_check", G.Supervision, T.String, update: UpdateMode.Live, origin: PropertyOrigin.Berth,
            mechanism: "`tcp PORT`: berthd connects to the primary nic's address; else `/bin/sh -c` inside the instance (`crun exec`), exit 0 = healthy",
            description: "How berthd tells that the running instance works: `tcp PORT`, or a shell command run inside. Failing while running makes `svcs` show it degraded."),
        P("restart", G.Supervision, T.Choice, @default: "no", update: UpdateMode.Live, choices: s_restartModes, origin: PropertyOrigin.Berth,
            mechanism: "berthd's supervisor, on the monitor's exit notice: backoff from 100 ms doubling to 30 s; 5 unrequested exits within 60 s put it into maintenance",
            description: "What berthd does when init exits without a stop: `no`, `on-failure` (non-zero status) or `always`. Leave maintenance with `berth svcadm clear`."),

        // Security opt-outs (dangerous): absent means the hardened default.
        P("privileged", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, brands: s_lx, origin: PropertyOrigin.Berth,
            mechanism: "no user namespace (root inside is host root), every capability, no seccomp filter, no masked or read-only paths, every device",
            description: "DANGEROUS: root inside is root on the host; only for fully trusted software. Takes effect at the next start."),
        P("nesting", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, brands: s_lx, origin: PropertyOrigin.Berth,
            mechanism: "the seccomp filter allows unshare, setns, clone with namespace flags, clone3 and the mount calls",
            description: "DANGEROUS: lets the instance make nested user namespaces and mount filesystems in them (containers in the container), which exposes far more kernel code."),
        P("fuse", G.Security, T.Boolean, defaultNote: "false", update: UpdateMode.Restart, brands: s_lx, origin: PropertyOrigin.Berth,
            mechanism: "/dev/fuse (10:229) created and allowed by the devices cgroup",
            description: "DANGEROUS: gives the instance the FUSE device (FUSE filesystems need nesting or CAP_SYS_ADMIN to mount)."),
        P("extra_capabilities", G.Security, T.CapabilityArray, Count, update: UpdateMode.Restart, min: 0, max: 41, brands: s_lx, origin: PropertyOrigin.Berth,
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
        P("accel", G.ReadOnly, T.String, onCreate: false, update: UpdateMode.No, brands: s_kvm,
            mechanism: "`-accel kvm` when /dev/kvm runs a guest, else `-accel tcg`, chosen at each start",
            description: "kvm or tcg: how the VM last started.", origin: PropertyOrigin.Berth),
        P("accel_warning", G.ReadOnly, T.String, onCreate: false, update: UpdateMode.No, brands: s_kvm,
            mechanism: "the KVM probe berthd runs once per boot",
            description: "Why the VM runs under TCG (software emulation, ~16x slower), when it does.", origin: PropertyOrigin.Berth),
    ];

    /// <summary>Rows of the top level of a manifest.</summary>
    public static IReadOnlyDictionary<string, PropertyDef> TopLevel { get; } =
        All.Where(p => !p.IsNicField && !p.IsDiskField).ToDictionary(p => p.Path, StringComparer.Ordinal);

    /// <summary>Rows of one entry of <c>nics[]</c>, by field name.</summary>
    public static IReadOnlyDictionary<string, PropertyDef> NicFields { get; } =
        All.Where(p => p.IsNicField).ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Rows of one entry of <c>disks[]</c>, by field name.</summary>
    public static IReadOnlyDictionary<string, PropertyDef> DiskFields { get; } =
        All.Where(p => p.IsDiskField).ToDictionary(p => p.Name, StringComparer.Ordinal);

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
        PropertyOrigin origin = PropertyOrigin.Vmadm,
        IReadOnlyList<string>? brands = null) =>
        new(path, group, type, unit, @default, defaultNote, brands ?? s_all, required, onCreate, update, min, max, choices,
            mechanism, description, origin);
}
