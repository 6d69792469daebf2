namespace Berth.Api.Contracts;

/// <summary>A firewall rule in fwadm's language, as stored: the rule text is kept in its canonical spelling.</summary>
public sealed record FirewallRule
{
    public string? Uuid { get; init; }
    /// <summary>The rule: <c>FROM any TO all vms ALLOW tcp PORT 22</c>.</summary>
    public string? Rule { get; init; }
    /// <summary>Disabled rules are stored but not applied (fwadm's default for a new rule).</summary>
    public bool? Enabled { get; init; }
    public string? Description { get; init; }
    public DateTimeOffset? CreateTimestamp { get; init; }
    public DateTimeOffset? LastModified { get; init; }
}

/// <summary>The body of <c>POST /v1/fw/rules</c> and <c>PATCH /v1/fw/rules/{uuid}</c>: absent fields stay as they are.</summary>
public sealed record FirewallRuleRequest
{
    public string? Rule { get; init; }
    public bool? Enabled { get; init; }
    public string? Description { get; init; }
}
