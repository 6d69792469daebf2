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

    Task<string?> GetSettingAsync(string key, CancellationToken ct = default);

    Task SetSettingAsync(string key, string value, CancellationToken ct = default);

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
