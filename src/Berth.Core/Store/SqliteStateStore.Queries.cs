using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Data.Sqlite;

namespace Berth.Core.Store;

public sealed partial class SqliteStateStore
{
    private const int SqliteConstraint = 19;

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(ct).ConfigureAwait(false);
        // FULL makes each commit durable before it returns; busy_timeout serializes concurrent writers.
        await ExecuteAsync(db, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;", ct).ConfigureAwait(false);
        return db;
    }

    private static async Task ExecuteAsync(SqliteConnection db, string sql, CancellationToken ct, SqliteTransaction? tx = null)
    {
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection db, string sql, CancellationToken ct)
    {
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<string>> ReadColumnAsync(string sql, string? key, CancellationToken ct)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = sql;
        if (key is not null)
        {
            cmd.Parameters.AddWithValue("$k", key);
        }

        var rows = new List<string>();
        await using SqliteDataReader reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private async Task<IReadOnlyList<T>> ListAsync<T>(string sql, JsonTypeInfo<T> type, CancellationToken ct)
    {
        IReadOnlyList<string> rows = await ReadColumnAsync(sql, null, ct).ConfigureAwait(false);
        return [.. rows.Select(r => JsonSerializer.Deserialize(r, type)!)];
    }

    private async Task<T?> GetAsync<T>(string sql, string key, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        IReadOnlyList<string> rows = await ReadColumnAsync(sql, key, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : JsonSerializer.Deserialize(rows[0], type);
    }

    /// <summary>A write that must change exactly one row: NotFound otherwise.</summary>
    private async Task WriteOneAsync(string sql, (string Name, object? Value)[] parameters, string what, CancellationToken ct)
    {
        if (await WriteAsync(sql, parameters, what, ct).ConfigureAwait(false) == 0)
        {
            throw BerthException.NotFound($"{what} not found");
        }
    }

    private async Task<int> WriteAsync(string sql, (string Name, object? Value)[] parameters, string what, CancellationToken ct)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        try
        {
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"{what} already exists", e);
        }
    }
}
