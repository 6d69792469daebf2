using System.Text.Json;

namespace Berth.Api.Contracts;

/// <summary>The JSON document of an instance, with vmadm's property names (snake_case on the wire).</summary>
/// <remarks>Every property here has a row in Berth.Core's PropertyTable, which validation and docs read.</remarks>
public sealed record Manifest
{
    public string? Uuid { get; init; }
    public string? Alias { get; init; }
    public string? Hostname { get; init; }
    public string? Brand { get; init; }
    public string? ImageUuid { get; init; }
    public bool? Autoboot { get; init; }
    /// <summary>MiB.</summary>
    public long? MaxPhysicalMemory { get; init; }
    /// <summary>MiB of memory plus swap, as vmadm.</summary>
    public long? MaxSwap { get; init; }
    /// <summary>Percent of one CPU; 0 means no cap.</summary>
    public long? CpuCap { get; init; }
    public long? CpuShares { get; init; }
    public long? MaxLwps { get; init; }
    /// <summary>GiB; 0 means no quota.</summary>
    public long? Quota { get; init; }
    public List<string>? Resolvers { get; init; }
    public Dictionary<string, JsonElement>? Tags { get; init; }
    public Dictionary<string, string>? CustomerMetadata { get; init; }
    public Dictionary<string, string>? InternalMetadata { get; init; }
    public string? Zpool { get; init; }
    public List<Nic>? Nics { get; init; }
    /// <summary>vmadm's routes: destination (CIDR or host address) to gateway address, or "nics[N]" for a route on that nic's link.</summary>
    public Dictionary<string, string>? Routes { get; init; }
    /// <summary>Instances (UUID or alias) that must be running, and answering their health_check, before this one starts.</summary>
    public List<string>? DependsOn { get; init; }
    /// <summary><c>tcp PORT</c>, or a shell command run inside the instance (exit 0 = healthy).</summary>
    public string? HealthCheck { get; init; }
    /// <summary>no, on-failure or always: what berthd does when init exits without a stop.</summary>
    public string? Restart { get; init; }
    /// <summary>fwadm's rules apply to the instance: inbound blocked and outbound allowed unless a rule says otherwise.</summary>
    public bool? FirewallEnabled { get; init; }

    // kvm brand (hardware VMs under QEMU); null for lx.
    /// <summary>MiB of guest memory.</summary>
    public long? Ram { get; init; }
    public long? Vcpus { get; init; }
    public string? CpuType { get; init; }
    /// <summary>bios | uefi.</summary>
    public string? Bootrom { get; init; }
    /// <summary>q35 | microvm (Berth's own).</summary>
    public string? MachineType { get; init; }
    public List<Disk>? Disks { get; init; }
    public long? VncPort { get; init; }
    public string? VncPassword { get; init; }
    /// <summary>Direct kernel boot (Berth's own): host paths of a kernel and initrd, and the kernel command line.</summary>
    public string? Kernel { get; init; }
    public string? Initrd { get; init; }
    public string? KernelArgs { get; init; }

    // Opt-outs of the default hardening (docs/containers.md): absent means off.
    public bool? Privileged { get; init; }
    public bool? Nesting { get; init; }
    public bool? Fuse { get; init; }
    public List<string>? ExtraCapabilities { get; init; }

    // Read-only: set by Berth, refused at create and update.
    public string? State { get; init; }
    public int? Pid { get; init; }
    public DateTimeOffset? CreateTimestamp { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public int? ExitStatus { get; init; }
    /// <summary>Bytes the quota counts, filled in by vm get.</summary>
    public long? QuotaUsedBytes { get; init; }
    /// <summary>Bytes left under the quota (or in the pool when there is none), filled in by vm get.</summary>
    public long? QuotaAvailableBytes { get; init; }
    /// <summary>kvm: the accelerator QEMU runs with (kvm | tcg).</summary>
    public string? Accel { get; init; }
    /// <summary>kvm: why QEMU runs without KVM, when it does.</summary>
    public string? AccelWarning { get; init; }
}

/// <summary>A network interface of an instance.</summary>
public sealed record Nic
{
    public string? Interface { get; init; }
    public string? NicTag { get; init; }
    public string? NetworkUuid { get; init; }
    public int? VlanId { get; init; }
    public string? Ip { get; init; }
    public string? Netmask { get; init; }
    public List<string>? Ips { get; init; }
    public string? Gateway { get; init; }
    public string? Mac { get; init; }
    public bool? Primary { get; init; }
    /// <summary>The instance may send from IPs other than its own (anti-spoofing off for IPs).</summary>
    public bool? AllowIpSpoofing { get; init; }
    /// <summary>The instance may send from MACs other than the nic's.</summary>
    public bool? AllowMacSpoofing { get; init; }
    /// <summary>The instance may answer DHCP (act as a DHCP server).</summary>
    public bool? AllowDhcpSpoofing { get; init; }
    /// <summary>More IPs or CIDR subnets the instance may send from.</summary>
    public List<string>? AllowedIps { get; init; }
    /// <summary>kvm: the emulated device (virtio | e1000).</summary>
    public string? Model { get; init; }
}

/// <summary>A disk of a VM (kvm brand).</summary>
public sealed record Disk
{
    /// <summary>MiB.</summary>
    public long? Size { get; init; }
    public string? ImageUuid { get; init; }
    public bool? Boot { get; init; }
    /// <summary>virtio | ide | scsi | nvme.</summary>
    public string? Model { get; init; }
    /// <summary>disk | cdrom.</summary>
    public string? Media { get; init; }
    /// <summary>The disk's file on the host; set by Berth.</summary>
    public string? Path { get; init; }
}
