using Microsoft.Data.Sqlite;

namespace Berth.Core.Store;

public sealed partial class SqliteStateStore
{
    // The lowest free slot: 0 when free, else the first slot whose successor is free. One statement, so two
    // concurrent creates cannot take the same slot (the primary key would refuse the second anyway).
    private const string AcquireSql = """
        INSERT INTO id_slots (slot, uuid)
        SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM id_slots WHERE slot = 0) THEN 0
                    ELSE (SELECT MIN(s.slot) + 1 FROM id_slots s WHERE NOT EXISTS (SELECT 1 FROM id_slots t WHERE t.slot = s.slot + 1))
               END, $uuid
        WHERE NOT EXISTS (SELECT 1 FROM id_slots WHERE uuid = $uuid);
        SELECT slot FROM id_slots WHERE uuid = $uuid;
        """;

    public async Task<long> AcquireIdSlotAsync(string uuid, long maxSlots, CancellationToken ct = default)
    {
        await using SqliteConnection db = await OpenAsync(ct).ConfigureAwait(false);
        await using SqliteTransaction tx = db.BeginTransaction();
        await using SqliteCommand cmd = db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = AcquireSql;
        cmd.Parameters.AddWithValue("$uuid", uuid);
        long slot;
        try
        {
            slot = (long)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false)
                ?? throw BerthException.NotFound($"instance {uuid} not found (an ID slot belongs to an instance's record)"));
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            throw BerthException.NotFound($"instance {uuid} not found (an ID slot belongs to an instance's record): {e.Message}");
        }

        if (slot >= maxSlots)
        {
            throw new BerthException(ErrorKind.Unavailable,
                $"No user-namespace ID range left for instance {uuid}: all {maxSlots} slots are taken");
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        return slot;
    }

    public async Task<long?> GetIdSlotAsync(string uuid, CancellationToken ct = default)
    {
        IReadOnlyList<string> rows = await ReadColumnAsync("SELECT CAST(slot AS TEXT) FROM id_slots WHERE uuid = $k", uuid, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : long.Parse(rows[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
