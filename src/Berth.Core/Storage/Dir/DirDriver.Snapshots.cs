namespace Berth.Core.Storage.Dir;

// Placeholder until the storage branch implements snapshots: every call says so clearly.
public sealed partial class DirDriver
{
    private static Task NotYet() => Task.FromException(new BerthException(ErrorKind.Unavailable, "snapshots are not implemented yet"));

    public Task CreateSnapshotAsync(string dataset, string name, CancellationToken ct = default) => NotYet();

    public Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string dataset, CancellationToken ct = default) =>
        Task.FromException<IReadOnlyList<SnapshotInfo>>(new BerthException(ErrorKind.Unavailable, "snapshots are not implemented yet"));

    public Task RollbackAsync(string dataset, string name, CancellationToken ct = default) => NotYet();

    public Task DeleteSnapshotAsync(string dataset, string name, CancellationToken ct = default) => NotYet();

    public Task<DatasetUsage> GetDatasetUsageAsync(string dataset, CancellationToken ct = default) =>
        Task.FromException<DatasetUsage>(new BerthException(ErrorKind.Unavailable, "snapshots are not implemented yet"));

    public Task SendAsync(string dataset, string snapshot, string? fromSnapshot, Stream output, CancellationToken ct = default) => NotYet();

    public Task ReceiveAsync(string dataset, Stream input, CancellationToken ct = default) => NotYet();
}
