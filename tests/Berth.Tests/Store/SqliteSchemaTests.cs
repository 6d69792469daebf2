using Berth.Core;
using Berth.Core.Store;
using Microsoft.Data.Sqlite;

namespace Berth.Tests.Store;

/// <summary>The schema: versioned migrations, user_version, WAL, and a newer database refused.</summary>
public sealed class SqliteSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrationsCreateTheSchemaAndRecordTheVersion()
    {
        using TempStore t = await TempStore.OpenAsync();
        Assert.Equal((long)SchemaMigrations.All.Count, await ScalarAsync(t.DbPath, "PRAGMA user_version;"));
        foreach (string table in new[] { "instances", "images", "pools", "networks", "settings" })
        {
            Assert.Equal(1L, await ScalarAsync(t.DbPath, $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }
    }

    [Fact]
    public async Task JournalModeIsWal()
    {
        using TempStore t = await TempStore.OpenAsync();
        // journal_mode=WAL is persistent: a fresh connection sees it without asking.
        Assert.Equal("wal", await ScalarAsync(t.DbPath, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task OpeningAgainIsANoOpAndKeepsTheRows()
    {
        using TempStore t = await TempStore.OpenAsync();
        await t.Store.SetSettingAsync("boot_id", "abc", Ct);
        string schema = (string)(await ScalarAsync(t.DbPath, "SELECT group_concat(sql, ';') FROM sqlite_master"))!;

        using var again = new SqliteStateStore(t.DbPath);
        await again.InitializeAsync(Ct);
        await again.InitializeAsync(Ct);

        Assert.Equal((long)SchemaMigrations.All.Count, await ScalarAsync(t.DbPath, "PRAGMA user_version;"));
        Assert.Equal(schema, await ScalarAsync(t.DbPath, "SELECT group_concat(sql, ';') FROM sqlite_master"));
        Assert.Equal("abc", await again.GetSettingAsync("boot_id", Ct));
    }

    [Fact]
    public async Task ADatabaseWithANewerSchemaIsRefused()
    {
        using TempStore t = await TempStore.OpenAsync();
        int newer = SchemaMigrations.All.Count + 1;
        await ScalarAsync(t.DbPath, $"PRAGMA user_version = {newer};");

        using var old = new SqliteStateStore(t.DbPath);
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => old.InitializeAsync(Ct));
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains($"schema version {newer}", e.Message);
        Assert.Contains(t.DbPath, e.Message);
        Assert.Equal((long)newer, await ScalarAsync(t.DbPath, "PRAGMA user_version;"));
    }

    [Fact]
    public async Task AFreshDatabaseIsCreatedInAMissingDirectory()
    {
        using var t = new TempStore();
        string path = Path.Combine(t.Dir, "a", "b", "berth.db");
        using var store = new SqliteStateStore(path);
        await store.InitializeAsync(Ct);
        Assert.True(File.Exists(path));
        Assert.Empty(await store.ListInstancesAsync(Ct));
    }

    private static async Task<object?> ScalarAsync(string db, string sql)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await c.OpenAsync(Ct);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(Ct);
    }
}
