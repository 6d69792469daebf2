using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Api.Contracts;
using Berth.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Berth.Core.Store;

using Network = Berth.Api.Contracts.Network;

/// <summary>The embedded store: one SQLite file in WAL mode with synchronous writes.</summary>
public sealed partial class SqliteStateStore(string databasePath) : IStateStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
    }.ToString();

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        long version = (long)(await ScalarAsync(db, "PRAGMA user_version;", ct).ConfigureAwait(false) ?? 0L);
        if (version > SchemaMigrations.All.Count)
        {
            throw new BerthException(ErrorKind.Unavailable,
                $"The database \"{databasePath}\" has schema version {version}, newer than this berthd knows ({SchemaMigrations.All.Count})");
        }

        await ExecuteAsync(db, "PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);

        for (int v = (int)version; v < SchemaMigrations.All.Count; v++)
        {
            await using SqliteTransaction tx = db.BeginTransaction();
            await ExecuteAsync(db, SchemaMigrations.All[v], ct, tx).ConfigureAwait(false);
            await ExecuteAsync(db, $"PRAGMA user_version = {v + 1};", ct, tx).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    public Task<IReadOnlyList<Manifest>> ListInstancesAsync(CancellationToken ct = default) =>
        ListAsync("SELECT manifest FROM instances ORDER BY rowid", BerthJson.Default.Manifest, ct);

    public Task<Manifest?> GetInstanceAsync(string uuid, CancellationToken ct = default) =>
        GetAsync("SELECT manifest FROM instances WHERE uuid = $k", uuid, BerthJson.Default.Manifest, ct);

    public Task InsertInstanceAsync(Manifest manifest, CancellationToken ct = default) =>
        WriteAsync(
            "INSERT INTO instances (uuid, alias, state, manifest) VALUES ($uuid, $alias, $state, $json)",
            InstanceParameters(manifest), $"instance {manifest.Uuid} (alias \"{manifest.Alias}\")", ct);

    public Task UpdateInstanceAsync(Manifest manifest, CancellationToken ct = default) =>
        WriteOneAsync(
            "UPDATE instances SET alias = $alias, state = $state, manifest = $json WHERE uuid = $uuid",
            InstanceParameters(manifest), $"instance {manifest.Uuid} (alias \"{manifest.Alias}\")", ct);

    public Task DeleteInstanceAsync(string uuid, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM instances WHERE uuid = $k", [("$k", uuid)], uuid, ct);

    public Task<IReadOnlyList<ImageManifest>> ListImagesAsync(CancellationToken ct = default) =>
        ListAsync("SELECT manifest FROM images ORDER BY name, version", BerthJson.Default.ImageManifest, ct);

    public Task<ImageManifest?> GetImageAsync(string uuid, CancellationToken ct = default) =>
        GetAsync("SELECT manifest FROM images WHERE uuid = $k", uuid, BerthJson.Default.ImageManifest, ct);

    public Task InsertImageAsync(ImageManifest image, CancellationToken ct = default) =>
        WriteAsync(
            "INSERT INTO images (uuid, name, version, manifest) VALUES ($uuid, $name, $version, $json)",
            [("$uuid", image.Uuid), ("$name", image.Name), ("$version", image.Version),
             ("$json", JsonSerializer.Serialize(image, BerthJson.Default.ImageManifest))],
            $"image {image.Uuid}", ct);

    public Task DeleteImageAsync(string uuid, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM images WHERE uuid = $k", [("$k", uuid)], uuid, ct);

    public async Task<IReadOnlyList<PoolSpec>> ListPoolsAsync(CancellationToken ct = default)
    {
        IReadOnlyList<string> rows = await ReadColumnAsync("SELECT spec FROM pools ORDER BY rowid", null, ct).ConfigureAwait(false);
        return [.. rows.Select(r => JsonSerializer.Deserialize(r, StoreJson.Default.PoolSpec)!)];
    }

    public Task InsertPoolAsync(PoolSpec pool, CancellationToken ct = default) =>
        WriteAsync("INSERT INTO pools (name, spec) VALUES ($k, $json)",
            [("$k", pool.Name), ("$json", JsonSerializer.Serialize(pool, StoreJson.Default.PoolSpec))], $"pool \"{pool.Name}\"", ct);

    public Task DeletePoolAsync(string name, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM pools WHERE name = $k", [("$k", name)], name, ct);

    public Task<IReadOnlyList<Network>> ListNetworksAsync(CancellationToken ct = default) =>
        ListAsync("SELECT network FROM networks ORDER BY name", BerthJson.Default.Network, ct);

    public Task InsertNetworkAsync(Network network, CancellationToken ct = default) =>
        WriteAsync("INSERT INTO networks (uuid, name, network) VALUES ($uuid, $name, $json)",
            [("$uuid", network.Uuid), ("$name", network.Name), ("$json", JsonSerializer.Serialize(network, BerthJson.Default.Network))],
            $"network \"{network.Name}\"", ct);

    public Task DeleteNetworkAsync(string uuid, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM networks WHERE uuid = $k", [("$k", uuid)], uuid, ct);

    public async Task<string?> GetSettingAsync(string key, CancellationToken ct = default)
    {
        IReadOnlyList<string> rows = await ReadColumnAsync("SELECT value FROM settings WHERE key = $k", key, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task SetSettingAsync(string key, string value, CancellationToken ct = default) =>
        WriteAsync("INSERT INTO settings (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = $v",
            [("$k", key), ("$v", value)], key, ct);

    public void Dispose()
    {
        // Close this store's pooled connections (not other stores'), so the file can be removed or moved.
        using var db = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(db);
    }

    private static (string, object?)[] InstanceParameters(Manifest m) =>
        [("$uuid", m.Uuid), ("$alias", m.Alias), ("$state", m.State ?? "provisioning"),
         ("$json", JsonSerializer.Serialize(m, BerthJson.Default.Manifest))];
}
