using Berth.Core.Store;

namespace Berth.Tests.Store;

/// <summary>A SqliteStateStore on a database file in a temp directory that is removed at the end.</summary>
internal sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Dir = Path.Combine(Path.GetTempPath(), "berth-store-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Dir);
        Store = new SqliteStateStore(DbPath);
    }

    public string Dir { get; }

    public string DbPath => Path.Combine(Dir, "berth.db");

    public SqliteStateStore Store { get; }

    public static async Task<TempStore> OpenAsync()
    {
        var t = new TempStore();
        await t.Store.InitializeAsync(TestContext.Current.CancellationToken);
        return t;
    }

    public void Dispose()
    {
        Store.Dispose();
        Directory.Delete(Dir, recursive: true);
    }
}
