using System.Globalization;
using System.Text.Json;
using Berth.Api.Contracts;
using Microsoft.Data.Sqlite;

namespace Berth.Core.Store;

/// <summary>The intent journal (table intents): see <see cref="Intent"/>.</summary>
public sealed partial class SqliteStateStore
{
    public async Task<long> BeginIntentAsync(string instance, string verb, Manifest? manifest, IntentDetail detail, CancellationToken ct = default)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "INSERT INTO intents (instance, verb, manifest, detail, started) VALUES ($i, $v, $m, $d, $s) RETURNING id";
        cmd.Parameters.AddWithValue("$i", instance);
        cmd.Parameters.AddWithValue("$v", verb);
        cmd.Parameters.AddWithValue("$m", manifest is null ? DBNull.Value : JsonSerializer.Serialize(manifest, BerthJson.Default.Manifest));
        cmd.Parameters.AddWithValue("$d", JsonSerializer.Serialize(detail, StoreJson.Default.IntentDetail));
        cmd.Parameters.AddWithValue("$s", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    public async Task<IReadOnlyList<Intent>> ListIntentsAsync(CancellationToken ct = default)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = "SELECT id, instance, verb, manifest, detail, started FROM intents ORDER BY id";
        var intents = new List<Intent>();
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            intents.Add(new Intent(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : JsonSerializer.Deserialize(reader.GetString(3), BerthJson.Default.Manifest),
                JsonSerializer.Deserialize(reader.GetString(4), StoreJson.Default.IntentDetail)!,
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture)));
        }

        return intents;
    }

    public Task EndIntentAsync(long id, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM intents WHERE id = $k", [("$k", id)], $"intent {id}", ct);

    public Task UpdateInstanceEndingIntentAsync(Manifest manifest, long intentId, CancellationToken ct = default) =>
        WriteWithIntentEndAsync(
            "UPDATE instances SET alias = $alias, state = $state, manifest = $json WHERE uuid = $uuid",
            [.. InstanceParameters(manifest), ("$intent", intentId)], $"instance {manifest.Uuid} (alias \"{manifest.Alias}\")", ct);

    public Task DeleteInstanceEndingIntentAsync(string uuid, long intentId, CancellationToken ct = default) =>
        WriteWithIntentEndAsync("DELETE FROM instances WHERE uuid = $uuid", [("$uuid", uuid), ("$intent", intentId)], $"instance {uuid}", ct);

    private async Task WriteWithIntentEndAsync(string sql, (string Name, object? Value)[] parameters, string what, CancellationToken ct)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteTransaction tx = db.BeginTransaction();
        foreach (string statement in new[] { sql, "DELETE FROM intents WHERE id = $intent" })
        {
            await using SqliteCommand cmd = db.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = statement;
            foreach ((string name, object? value) in parameters)
            {
                if (statement.Contains(name, StringComparison.Ordinal))
                {
                    cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }
            }

            try
            {
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
            {
                throw new BerthException(ErrorKind.AlreadyExists, $"{what} already exists", e);
            }
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
    }
}
