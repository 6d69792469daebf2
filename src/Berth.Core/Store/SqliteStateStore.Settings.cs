namespace Berth.Core.Store;

public sealed partial class SqliteStateStore
{
    public Task DeleteSettingAsync(string key, CancellationToken ct = default) =>
        WriteAsync("DELETE FROM settings WHERE key = $k", [("$k", key)], key, ct);
}
