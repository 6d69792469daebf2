namespace Berth.Core.Storage;

/// <summary>What a storage backend can do, as data: callers test these, never the driver's type.</summary>
/// <param name="Name">the driver name: btrfs | dir</param>
/// <param name="InstantSnapshots">a clone costs the same whatever the dataset size</param>
/// <param name="CanEnforceQuota">a quota set on a dataset makes writes past it fail with EDQUOT</param>
/// <param name="QuotaMode">how quota is enforced: "simple" (btrfs squota), "qgroup" (classic btrfs qgroups) or "none"</param>
public sealed record StorageDriverInfo(string Name, bool InstantSnapshots, bool CanEnforceQuota, string QuotaMode);

/// <summary>Bytes of a pool.</summary>
public sealed record PoolUsage(long Size, long Used, long Available);

/// <summary>Where a pool lives; persisted by the store, given back to <see cref="PoolManager"/> on daemon start.</summary>
/// <param name="Name">pool name (vmadm's zpool)</param>
/// <param name="Driver">btrfs | dir</param>
/// <param name="Device">a block device holding the pool's filesystem, or null</param>
/// <param name="File">a loop file holding the pool's filesystem, or null</param>
/// <param name="SizeBytes">size of the loop file when one is made</param>
/// <param name="Mountpoint">where the pool's filesystem is mounted (btrfs) or lives (dir)</param>
public sealed record PoolSpec(string Name, string Driver, string? Device, string? File, long? SizeBytes, string Mountpoint);

/// <summary>One pool's datasets: an instance root or an image, addressed by a relative name such as "images/UUID".</summary>
public interface IStorageDriver : IDatasetSnapshots
{
    StorageDriverInfo Info { get; }

    PoolSpec Spec { get; }

    /// <summary>The directory holding the dataset's files.</summary>
    string DatasetPath(string dataset);

    bool Exists(string dataset);

    /// <summary>Creates an empty dataset.</summary>
    Task CreateAsync(string dataset, CancellationToken ct = default);

    /// <summary>Creates <paramref name="target"/> as a copy-on-write clone of <paramref name="source"/> where the backend can.</summary>
    Task CloneAsync(string source, string target, CancellationToken ct = default);

    /// <summary>Deletes a dataset and its quota group; a missing dataset is not an error.</summary>
    Task DeleteAsync(string dataset, CancellationToken ct = default);

    /// <summary>Sets (bytes) or removes (null) the quota; throws InvalidArgument when the driver cannot enforce it.</summary>
    Task SetQuotaAsync(string dataset, long? bytes, CancellationToken ct = default);

    /// <summary>
    /// Makes a dataset whole after a crash: a swap (rollback, receive) interrupted between its renames is finished,
    /// and what a copy or delete left under temporary names goes. A dataset with nothing to repair is left as it is.
    /// </summary>
    Task RepairAsync(string dataset, CancellationToken ct = default);

    /// <summary>The datasets below a prefix such as "instances".</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default);

    Task<PoolUsage> GetUsageAsync(CancellationToken ct = default);
}

/// <summary>A read-only, named snapshot of a dataset.</summary>
/// <param name="Name">the snapshot's name, unique per dataset ([A-Za-z0-9][A-Za-z0-9_.:-]{0,63})</param>
/// <param name="CreatedAt">when it was taken</param>
/// <param name="ExclusiveBytes">bytes only this snapshot holds, where the driver can tell</param>
public sealed record SnapshotInfo(string Name, DateTimeOffset CreatedAt, long? ExclusiveBytes);

/// <summary>What a dataset uses of its pool, and its quota.</summary>
/// <param name="UsedBytes">bytes the dataset's quota counts (btrfs: its exclusive bytes)</param>
/// <param name="QuotaBytes">the quota, or null when none</param>
public sealed record DatasetUsage(long UsedBytes, long? QuotaBytes);

/// <summary>Snapshots, rollback and streams of datasets: the storage half of the snapshot and send/receive features.</summary>
public interface IDatasetSnapshots
{
    /// <summary>Takes a read-only snapshot of the dataset's current content; AlreadyExists when the name is taken.</summary>
    Task CreateSnapshotAsync(string dataset, string name, CancellationToken ct = default);

    /// <summary>The dataset's snapshots, oldest first.</summary>
    Task<IReadOnlyList<SnapshotInfo>> ListSnapshotsAsync(string dataset, CancellationToken ct = default);

    /// <summary>
    /// Makes the dataset's content that of the snapshot. Every snapshot stays, newer ones too (history is kept);
    /// the content the dataset had is lost unless the caller snapshotted it first. The quota stays.
    /// </summary>
    Task RollbackAsync(string dataset, string name, CancellationToken ct = default);

    /// <summary>Deletes one snapshot; NotFound when it does not exist.</summary>
    Task DeleteSnapshotAsync(string dataset, string name, CancellationToken ct = default);

    /// <summary>Deleting a dataset also deletes its snapshots: see <see cref="IStorageDriver.DeleteAsync"/>.</summary>
    Task<DatasetUsage> GetDatasetUsageAsync(string dataset, CancellationToken ct = default);

    /// <summary>
    /// Writes snapshot <paramref name="snapshot"/> of the dataset as a stream (btrfs: btrfs send; dir: tar),
    /// incremental from <paramref name="fromSnapshot"/> when given (which the receiver must have).
    /// </summary>
    Task SendAsync(string dataset, string snapshot, string? fromSnapshot, Stream output, CancellationToken ct = default);

    /// <summary>
    /// Reads a stream written by <see cref="SendAsync"/> of the same driver and makes the dataset from it, with the
    /// sent snapshot present afterwards; an incremental stream needs its base snapshot on the dataset already.
    /// A truncated or corrupt stream fails with InvalidArgument and leaves nothing behind.
    /// </summary>
    Task ReceiveAsync(string dataset, Stream input, CancellationToken ct = default);
}
