namespace Berth.Api.Contracts;

/// <summary>An image manifest with IMGAPI's field names; Berth's own fields are marked.</summary>
public sealed record ImageManifest
{
    public int? V { get; init; }
    public string? Uuid { get; init; }
    public string? Owner { get; init; }
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Type { get; init; }
    public string? Os { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public List<ImageFile>? Files { get; init; }
    /// <summary>Not IMGAPI: the signal the image's init stops on (for example SIGUSR2 for busybox init).</summary>
    public string? BerthStopSignal { get; init; }
    /// <summary>Not IMGAPI: the init the image boots (default /sbin/init).</summary>
    public string? BerthInit { get; init; }
    public string? State { get; init; }
}

public sealed record ImageFile
{
    public string? Sha256 { get; init; }
    public long? Size { get; init; }
    public string? Compression { get; init; }
}

/// <summary>A storage pool (vmadm's <c>zpool</c>).</summary>
public sealed record Pool
{
    public required string Name { get; init; }
    public required string Driver { get; init; }
    public string? Device { get; init; }
    public string? File { get; init; }
    public string? Mountpoint { get; init; }
    public long? Size { get; init; }
    public long? Used { get; init; }
    public long? Available { get; init; }
    public int? Datasets { get; init; }
    public bool? CanEnforceQuota { get; init; }
    public string? QuotaMode { get; init; }
}

public sealed record PoolCreateRequest
{
    public string? Name { get; init; }
    public string? Driver { get; init; }
    public string? Device { get; init; }
    public string? File { get; init; }
    /// <summary>Bytes.</summary>
    public long? Size { get; init; }
}

/// <summary>A network with NAPI's field names.</summary>
public sealed record Network
{
    public string? Uuid { get; init; }
    public string? Name { get; init; }
    public string? NicTag { get; init; }
    public string? Bridge { get; init; }
    public string? Subnet { get; init; }
    public string? Gateway { get; init; }
    public int? VlanId { get; init; }
    public List<string>? Resolvers { get; init; }
    public int? Mtu { get; init; }
    /// <summary>First address IPAM hands out (NAPI's name); default: the first host address after the gateway's start.</summary>
    public string? ProvisionStartIp { get; init; }
    /// <summary>Last address IPAM hands out (NAPI's name); default: the last host address of the subnet.</summary>
    public string? ProvisionEndIp { get; init; }
    /// <summary>Not NAPI: the VXLAN network identifier when the network is a VXLAN segment between hosts.</summary>
    public int? VxlanVni { get; init; }
    /// <summary>Not NAPI: underlay addresses of the other hosts of the VXLAN segment (head-end replication).</summary>
    public List<string>? VxlanPeers { get; init; }
    /// <summary>Read-only: Berth made the bridge (and removes it with the network); false for a bridge the admin named that already existed.</summary>
    public bool? BridgeCreated { get; init; }
    /// <summary>Read-only: addresses held by nics (filled in by network get).</summary>
    public int? UsedAddresses { get; init; }
    /// <summary>Read-only: addresses in the provisioning range.</summary>
    public int? TotalAddresses { get; init; }
}

public sealed record Sysinfo
{
    public required string Hostname { get; init; }
    public required string BerthVersion { get; init; }
    public required string Kernel { get; init; }
    public required string BootId { get; init; }
    public required string CgroupMode { get; init; }
    public required int Cpus { get; init; }
    public required long MemoryMib { get; init; }
    public required string CrunVersion { get; init; }
    public required bool Kvm { get; init; }
    public required List<string> Brands { get; init; }
    public required string StateDir { get; init; }
}

public sealed record ExecRequest
{
    public required List<string> Argv { get; init; }
    public string? Stdin { get; init; }
}

public sealed record ExecResult
{
    public required int ExitCode { get; init; }
    public required string Stdout { get; init; }
    public required string Stderr { get; init; }
}

public sealed record StopRequest
{
    public bool? Force { get; init; }
    /// <summary>Seconds before init is killed; default 60.</summary>
    public int? Timeout { get; init; }
}

public sealed record ImageInstallRequest
{
    public required ImageManifest Manifest { get; init; }
    /// <summary>Path of the rootfs tarball on the daemon's host.</summary>
    public required string File { get; init; }
}

public sealed record ImageBuildRequest
{
    public required string Name { get; init; }
}

/// <summary>The answer of a validate call: the manifest as it would be created.</summary>
public sealed record ValidateResult
{
    public required bool Valid { get; init; }
    public Manifest? Manifest { get; init; }
}

/// <summary>RFC 7807 problem details with the offending properties named.</summary>
public sealed record Problem
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public string? Kind { get; init; }
    public List<PropertyError>? Errors { get; init; }
}

public sealed record PropertyError(string Property, string Message);

/// <summary>The answer of an update: the manifest now, and the changed properties that take effect only at the next start.</summary>
public sealed record UpdateResult
{
    public required Manifest Manifest { get; init; }
    public required List<string> RestartRequired { get; init; }
}

/// <summary>A named, read-only snapshot of an instance's dataset.</summary>
public sealed record Snapshot
{
    public required string Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>Bytes only this snapshot holds (freed by deleting it), where the pool's driver can tell.</summary>
    public long? ExclusiveBytes { get; init; }
}

public sealed record SnapshotCreateRequest
{
    public required string Name { get; init; }
}

/// <summary>The answer of a rollback: the instance now, whether it was stopped and started again, and where the state before went.</summary>
public sealed record RollbackResult
{
    public required Manifest Manifest { get; init; }
    public required bool Restarted { get; init; }
    /// <summary>The automatic snapshot holding the state before the rollback, so that the rollback can itself be rolled back.</summary>
    public required string SavedAs { get; init; }
}
