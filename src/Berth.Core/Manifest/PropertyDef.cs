namespace Berth.Core.Manifests;

// The namespace is Manifests (plural): a namespace Berth.Core.Manifest would hide the wire type
// Berth.Api.Contracts.Manifest from every other Berth.Core namespace.

/// <summary>The JSON shape a property accepts; the validator has one reader per type.</summary>
public enum PropertyType
{
    String,
    Integer,
    Boolean,
    Uuid,
    /// <summary>An RFC 1123 label: letters, digits and hyphens, at most 63 characters.</summary>
    Hostname,
    /// <summary>A name of a pool or a nic tag: letters, digits, '_', '-', '.'.</summary>
    Name,
    /// <summary>One of a fixed set of words (brand).</summary>
    Choice,
    Ipv4,
    /// <summary>A dotted IPv4 netmask whose one bits are contiguous.</summary>
    Netmask,
    Mac,
    Ipv4Array,
    CidrArray,
    /// <summary>IPv4 addresses, each alone or in CIDR form (allowed_ips).</summary>
    AddressArray,
    /// <summary>An object whose values are strings, numbers or booleans (tags).</summary>
    TagMap,
    /// <summary>An object whose values are strings (metadata).</summary>
    StringMap,
    NicArray,
    Timestamp,
    /// <summary>An object of destination (address or CIDR) to gateway address or "nics[N]" (vmadm's routes).</summary>
    RouteMap,
    /// <summary>An array of instance names: UUIDs or aliases (depends_on).</summary>
    InstanceArray,
    /// <summary>disks[] of a VM; each entry read by ManifestValidator.Vm.</summary>
    DiskArray,
    /// <summary>An absolute path of a file on the host.</summary>
    HostPath,
    /// <summary>An array of Linux capability names (CAP_SYS_ADMIN or sys_admin).</summary>
    CapabilityArray,
}

public enum PropertyUnit
{
    None,
    MiB,
    GiB,
    Percent,
    /// <summary>A relative weight.</summary>
    Shares,
    /// <summary>A number of things (processes and threads, list entries).</summary>
    Count,
    Bytes,
}

/// <summary>Whether and how <c>vm update</c> may change a property.</summary>
public enum UpdateMode
{
    /// <summary>Fixed at create (or set by Berth).</summary>
    No,
    /// <summary>Applied to the running instance at once.</summary>
    Live,
    /// <summary>Stored at once, takes effect at the next start.</summary>
    Restart,
}

/// <summary>Whose name a property is: vmadm's (same name and meaning) or Berth's own.</summary>
public enum PropertyOrigin
{
    Vmadm,
    Berth,
}

/// <summary>The section of docs/manifest.md a property is listed in.</summary>
public enum PropertyGroup
{
    Identity,
    Resources,
    Metadata,
    /// <summary>How berthd starts, checks and restarts the instance.</summary>
    Supervision,
    Network,
    Nic,
    /// <summary>Properties of hardware VMs (brand kvm).</summary>
    Vm,
    Disk,
    ReadOnly,
    /// <summary>Opt-outs of the default hardening, each documented as dangerous.</summary>
    Security,
}

/// <summary>One manifest property: everything validation, docs and <c>vm validate</c> know of it.</summary>
/// <param name="Path">the snake_case name; nic fields as <c>nics[].ip</c></param>
/// <param name="Default">the literal default filled in by validation, or null when there is none or it is computed</param>
/// <param name="DefaultNote">how a computed default is chosen (docs only), or null</param>
/// <param name="Required">must be given at create</param>
/// <param name="OnCreate">may be given at create (false: read-only, set by Berth)</param>
/// <param name="Min">lowest integer value, or lowest number of array entries</param>
/// <param name="Max">highest integer value, or highest number of array entries</param>
/// <param name="Choices">the accepted words of a <see cref="PropertyType.Choice"/></param>
/// <param name="Mechanism">the Linux mechanism that enforces or delivers it</param>
public sealed record PropertyDef(
    string Path,
    PropertyGroup Group,
    PropertyType Type,
    PropertyUnit Unit,
    object? Default,
    string? DefaultNote,
    IReadOnlyList<string> Brands,
    bool Required,
    bool OnCreate,
    UpdateMode Update,
    long? Min,
    long? Max,
    IReadOnlyList<string>? Choices,
    string Mechanism,
    string Description,
    PropertyOrigin Origin)
{
    /// <summary>The last segment of the path (<c>ip</c> for <c>nics[].ip</c>).</summary>
    public string Name => Path[(Path.LastIndexOf('.') + 1)..];

    public bool IsNicField => Path.StartsWith("nics[].", StringComparison.Ordinal);

    public bool IsDiskField => Path.StartsWith("disks[].", StringComparison.Ordinal);

    public bool ReadOnly => !OnCreate;
}
