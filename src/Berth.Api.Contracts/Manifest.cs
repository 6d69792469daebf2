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
}

/// <summary>A network interface of an instance.</summary>
public sealed record Nic
{
    public string? Interface { get; init; }
    public string? NicTag { get; init; }
    public string? Ip { get; init; }
    public string? Netmask { get; init; }
    public List<string>? Ips { get; init; }
    public string? Gateway { get; init; }
    public string? Mac { get; init; }
    public bool? Primary { get; init; }
}
