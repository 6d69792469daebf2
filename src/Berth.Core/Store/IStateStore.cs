using Berth.Api.Contracts;
using Berth.Core.Storage;

namespace Berth.Core.Store;

using Network = Berth.Api.Contracts.Network;

/// <summary>The daemon's records. SQLite now; a PostgreSQL implementation satisfies the same interface later.</summary>
/// <remarks>Each call is one transaction with synchronous durability: once it returns, the change survives a crash.</remarks>
public interface IStateStore : IDisposable
{
    /// <summary>Opens the store and applies pending schema migrations.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    Task<IReadOnlyList<Manifest>> ListInstancesAsync(CancellationToken ct = default);

    Task<Manifest?> GetInstanceAsync(string uuid, CancellationToken ct = default);

    /// <summary>Inserts a new instance; AlreadyExists when its uuid or alias is taken.</summary>
    Task InsertInstanceAsync(Manifest manifest, CancellationToken ct = default);

    Task UpdateInstanceAsync(Manifest manifest, CancellationToken ct = default);

    Task DeleteInstanceAsync(string uuid, CancellationToken ct = default);

    Task<IReadOnlyList<ImageManifest>> ListImagesAsync(CancellationToken ct = default);

    Task<ImageManifest?> GetImageAsync(string uuid, CancellationToken ct = default);

    Task InsertImageAsync(ImageManifest image, CancellationToken ct = default);

    Task DeleteImageAsync(string uuid, CancellationToken ct = default);

    Task<IReadOnlyList<PoolSpec>> ListPoolsAsync(CancellationToken ct = default);

    Task InsertPoolAsync(PoolSpec pool, CancellationToken ct = default);

    Task DeletePoolAsync(string name, CancellationToken ct = default);

    Task<IReadOnlyList<Network>> ListNetworksAsync(CancellationToken ct = default);

    Task InsertNetworkAsync(Network network, CancellationToken ct = default);

    Task DeleteNetworkAsync(string uuid, CancellationToken ct = default);

    /// <summary>
    /// Gives instance <paramref name="instanceUuid"/> the addresses it claims, all or none, in one transaction: an
    /// explicit address that another instance holds is a Conflict, and a free one is picked from the range when none is given.
    /// Claims the instance already holds are kept (idempotent). Returns each claim's address in order.
    /// </summary>
    Task<IReadOnlyList<string>> ClaimAddressesAsync(string instanceUuid, IReadOnlyList<AddressClaim> claims, CancellationToken ct = default);

    /// <summary>Frees the addresses of an instance's nics with these MACs (all its addresses when null).</summary>
    Task ReleaseAddressesAsync(string instanceUuid, IReadOnlyCollection<string>? macs = null, CancellationToken ct = default);

    /// <summary>Frees addresses whose instance has no record (a create killed half way); returns how many.</summary>
    Task<int> ReleaseOrphanAddressesAsync(CancellationToken ct = default);

    /// <summary>The addresses held on a network with their instances.</summary>
    Task<IReadOnlyList<HeldAddress>> ListAddressesAsync(string networkUuid, CancellationToken ct = default);

    Task<IReadOnlyList<FirewallRule>> ListFirewallRulesAsync(CancellationToken ct = default);

    /// <summary>Inserts a rule; AlreadyExists when its uuid is taken.</summary>
    Task InsertFirewallRuleAsync(FirewallRule rule, CancellationToken ct = default);

    /// <summary>Replaces a rule; NotFound when there is none with its uuid.</summary>
    Task UpdateFirewallRuleAsync(FirewallRule rule, CancellationToken ct = default);

    Task DeleteFirewallRuleAsync(string uuid, CancellationToken ct = default);

    Task<string?> GetSettingAsync(string key, CancellationToken ct = default);

    Task SetSettingAsync(string key, string value, CancellationToken ct = default);

    /// <summary>Removes a setting; a missing one is not an error.</summary>
    Task DeleteSettingAsync(string key, CancellationToken ct = default);

    /// <summary>The instance's user-namespace ID slot: its own if it has one, else the lowest free one (below <paramref name="maxSlots"/>).</summary>
    /// <remarks>A slot belongs to one instance only and is freed when the instance's row is deleted.</remarks>
    Task<long> AcquireIdSlotAsync(string uuid, long maxSlots, CancellationToken ct = default);

    /// <summary>The instance's slot, or null when it has none.</summary>
    Task<long?> GetIdSlotAsync(string uuid, CancellationToken ct = default);

    /// <summary>Journals a mutation before it touches the host; returns the intent's id.</summary>
    Task<long> BeginIntentAsync(string instance, string verb, Manifest? manifest, IntentDetail detail, CancellationToken ct = default);

    /// <summary>The intents not yet ended, oldest first: after a crash, the mutations it interrupted.</summary>
    Task<IReadOnlyList<Intent>> ListIntentsAsync(CancellationToken ct = default);

    /// <summary>Ends an intent; ending one already ended is not an error.</summary>
    Task EndIntentAsync(long id, CancellationToken ct = default);

    /// <summary>Writes the instance's record and ends the intent in one transaction: the mutation's commit point.</summary>
    Task UpdateInstanceEndingIntentAsync(Manifest manifest, long intentId, CancellationToken ct = default);

    /// <summary>Deletes the instance's record and ends the intent in one transaction: a delete's commit point.</summary>
    Task DeleteInstanceEndingIntentAsync(string uuid, long intentId, CancellationToken ct = default);
}
