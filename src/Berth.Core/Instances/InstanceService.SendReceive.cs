using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Host.Cgroups;
using Berth.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

/// <summary>send and receive: an instance as one self-describing stream (see <see cref="SendStream"/>).</summary>
public sealed partial class InstanceService
{
    private const string ReceivedImageKeyPrefix = "received_image:";

    /// <summary>
    /// Writes the instance (stopped or running) as a send stream: takes snapshot <c>send-&lt;UTC time&gt;</c> (a running
    /// container frozen around it) and streams it, incremental from <paramref name="fromSnapshot"/> when given.
    /// The snapshot is kept: it is the base of the next incremental send. Nothing is written before the snapshot exists,
    /// so a refusal is still an ordinary error response.
    /// </summary>
    public async Task SendAsync(string id, string? fromSnapshot, Stream output, CancellationToken ct = default)
    {
        Manifest found = await ResolveAsync(id, ct).ConfigureAwait(false);
        string uuid = found.Uuid!;
        await WithLockAsync(uuid, async () =>
        {
            Manifest manifest = await ReloadAsync(uuid, ct).ConfigureAwait(false);
            Lifecycle.Check(InstanceVerb.Snapshot, StateOf(manifest), Name(manifest));
            string dataset = InstanceDataset(uuid);
            IStorageDriver pool = PoolHolding(dataset, manifest);
            if (fromSnapshot is not null && !await HasSnapshotAsync(pool, dataset, fromSnapshot, ct).ConfigureAwait(false))
            {
                throw BerthException.Invalid("from", $"instance {Name(manifest)} has no snapshot \"{fromSnapshot}\" (berth vm snapshot list shows them)");
            }

            string snapshot = $"send-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'.'fff'Z'}";
            return await JournaledAsync(uuid, Store.IntentVerbs.Send, null, new Store.IntentDetail { Snapshot = snapshot },
                _ => SendLockedAsync(manifest, pool, snapshot, fromSnapshot, output, ct), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private async Task<int> SendLockedAsync(Manifest manifest, IStorageDriver pool, string snapshot, string? fromSnapshot, Stream output, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        string dataset = InstanceDataset(uuid);
        await using var reverter = new Reverter();
        await SnapshotConsistentAsync(manifest, pool, dataset, snapshot, ct).ConfigureAwait(false);
        reverter.Add("send snapshot", () => pool.DeleteSnapshotAsync(dataset, snapshot));

        ImageManifest? image = await store.GetImageAsync(manifest.ImageUuid!, ct).ConfigureAwait(false)
            ?? await ReceivedImageAsync(uuid, ct).ConfigureAwait(false);
        var header = new SendHeader(manifest with { Pid = null }, pool.Info.Name, [SendStream.RootDataset], snapshot, fromSnapshot,
            DateTimeOffset.UtcNow, image);
        using var writer = new SendStreamWriter(output);
        await writer.WriteHeaderAsync(header, ct).ConfigureAwait(false);
        await pool.SendAsync(dataset, snapshot, fromSnapshot, writer.BeginDataset(), ct).ConfigureAwait(false);
        await writer.EndDatasetAsync(ct).ConfigureAwait(false);
        await writer.FinishAsync(ct).ConfigureAwait(false);
        reverter.Success();
        SendLog.Sent(logger, uuid, snapshot, fromSnapshot);
        return 0;
    }

    /// <summary>
    /// Recreates an instance from a send stream, stopped, on pool <paramref name="zpool"/> (else the one its manifest
    /// names); a new UUID only with <paramref name="newUuid"/>. A truncated or corrupt stream leaves nothing behind.
    /// An incremental stream applies to the stopped instance of the same UUID that holds its base snapshot.
    /// </summary>
    public async Task<Manifest> ReceiveAsync(Stream input, string? zpool, bool newUuid, CancellationToken ct = default)
    {
        using var reader = new SendStreamReader(input);
        SendHeader header = await reader.ReadHeaderAsync(ct).ConfigureAwait(false);
        if (header.Datasets is not [SendStream.RootDataset])
        {
            throw BerthException.Invalid("stream", $"it holds the datasets {string.Join(", ", header.Datasets)}; this Berth receives instances with one \"root\" dataset");
        }

        if (header.FromSnapshot is not null)
        {
            return await ReceiveIncrementalAsync(reader, header, zpool, newUuid, ct).ConfigureAwait(false);
        }

        string uuid = newUuid ? Guid.NewGuid().ToString() : header.Manifest.Uuid!;
        IStorageDriver pool = pools.Get(zpool ?? header.Manifest.Zpool);
        CheckReceivable(header, pool);
        return await WithLockAsync(uuid, async () =>
        {
            if (await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false) is { } existing)
            {
                throw new BerthException(ErrorKind.AlreadyExists,
                    $"instance {Name(existing)} already exists on this host: delete it first, or receive a copy with a new UUID (new_uuid, berth vm receive --new-uuid)");
            }

            string dataset = InstanceDataset(uuid);
            if (pool.Exists(dataset))
            {
                throw new BerthException(ErrorKind.Conflict, $"pool \"{pool.Spec.Name}\" already holds a dataset {dataset} that no instance has");
            }

            DateTimeOffset now = DateTimeOffset.UtcNow;
            Manifest manifest = header.Manifest with
            {
                Uuid = uuid,
                Zpool = zpool ?? header.Manifest.Zpool,
                State = InstanceState.Provisioning.ToWire(),
                Pid = null,
                ExitStatus = null,
                LastModified = now,
            };
            return await JournaledAsync(uuid, Store.IntentVerbs.Receive, manifest, null, intent => WithUndoAsync(uuid, $"Failed receiving instance {Name(manifest)}", async reverter =>
            {
                await store.InsertInstanceAsync(manifest, ct).ConfigureAwait(false);
                reverter.Add("record", () => store.DeleteInstanceAsync(uuid));
                reverter.Add("dataset", () => pool.DeleteAsync(dataset));
                await ReceiveVerifiedAsync(reader, pool, dataset, ct).ConfigureAwait(false);
                if (manifest.Quota is > 0)
                {
                    await pool.SetQuotaAsync(dataset, manifest.Quota.Value << 30, ct).ConfigureAwait(false);
                }

                await KeepImageAsync(header, uuid, ct).ConfigureAwait(false);
                manifest = await CommitAsync(intent, manifest, InstanceState.Stopped, null, ct).ConfigureAwait(false);
                await changes.InstanceChangedAsync(null, manifest, ct).ConfigureAwait(false);
                reverter.Success();
                SendLog.Received(logger, uuid, header.Manifest.Uuid!, pool.Spec.Name, header.Snapshot);
                Publish(Events.EventTypes.Created, manifest, new Dictionary<string, object?> { ["received"] = true, ["snapshot"] = header.Snapshot });
                return manifest;
            }), ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private async Task<Manifest> ReceiveIncrementalAsync(SendStreamReader reader, SendHeader header, string? zpool, bool newUuid, CancellationToken ct)
    {
        string uuid = header.Manifest.Uuid!;
        string from = header.FromSnapshot!;
        if (newUuid)
        {
            throw BerthException.Invalid("new_uuid", $"an incremental stream (from snapshot \"{from}\") applies to instance {uuid} it was sent from; a new UUID needs a full stream");
        }

        return await WithLockAsync(uuid, async () =>
        {
            Manifest existing = await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false)
                ?? throw BerthException.Invalid("stream", $"this incremental stream applies to instance {uuid} holding snapshot \"{from}\", which is not on this host: receive a full stream first");
            if (StateOf(existing) != InstanceState.Stopped)
            {
                throw new BerthException(ErrorKind.Conflict, $"cannot receive into {Name(existing)}: it is {existing.State}; stop it first");
            }

            string dataset = InstanceDataset(uuid);
            IStorageDriver pool = PoolHolding(dataset, existing);
            if (zpool is not null && zpool != pool.Spec.Name)
            {
                throw BerthException.Invalid("zpool", $"an incremental stream applies where instance {Name(existing)} is: pool \"{pool.Spec.Name}\"");
            }

            CheckReceivable(header, pool);
            if (!await HasSnapshotAsync(pool, dataset, from, ct).ConfigureAwait(false))
            {
                throw BerthException.Invalid("stream", $"instance {Name(existing)} has no snapshot \"{from}\", the base of this incremental stream");
            }

            if (await HasSnapshotAsync(pool, dataset, header.Snapshot, ct).ConfigureAwait(false))
            {
                throw new BerthException(ErrorKind.AlreadyExists, $"instance {Name(existing)} already has snapshot \"{header.Snapshot}\": this stream was received before");
            }

            // The content before the receive, so that a failed receive can put it back.
            string before = $"pre-receive-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'.'fff'Z'}";
            var detail = new Store.IntentDetail { Snapshot = header.Snapshot, Before = before };
            return await JournaledAsync(uuid, Store.IntentVerbs.ReceiveIncremental, existing, detail, async intent =>
            {
                await pool.CreateSnapshotAsync(dataset, before, ct).ConfigureAwait(false);
                return await WithUndoAsync(uuid, $"Failed receiving into instance {Name(existing)}", async reverter =>
                {
                    reverter.Add("snapshot before the receive", () => pool.DeleteSnapshotAsync(dataset, before));
                    reverter.Add("content before the receive", async () =>
                    {
                        if (await HasSnapshotAsync(pool, dataset, header.Snapshot, CancellationToken.None).ConfigureAwait(false))
                        {
                            await pool.DeleteSnapshotAsync(dataset, header.Snapshot).ConfigureAwait(false);
                        }

                        await pool.RollbackAsync(dataset, before).ConfigureAwait(false);
                    });
                    await ReceiveVerifiedAsync(reader, pool, dataset, ct).ConfigureAwait(false);
                    Manifest manifest = header.Manifest with
                    {
                        Uuid = uuid,
                        Zpool = existing.Zpool,
                        Pid = null,
                        ExitStatus = null,
                        CreateTimestamp = existing.CreateTimestamp,
                    };
                    if (manifest.Quota is > 0 && manifest.Quota != existing.Quota)
                    {
                        await pool.SetQuotaAsync(dataset, manifest.Quota.Value << 30, ct).ConfigureAwait(false);
                    }

                    manifest = await CommitAsync(intent, manifest, InstanceState.Stopped, null, ct).ConfigureAwait(false);
                    await changes.InstanceChangedAsync(existing, manifest, ct).ConfigureAwait(false);
                    reverter.Success();
                    try
                    {
                        await pool.DeleteSnapshotAsync(dataset, before, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        Log.UndoFailed(logger, uuid, e); // the receive stands; only a spare snapshot stays
                    }

                    SendLog.Received(logger, uuid, uuid, pool.Spec.Name, header.Snapshot);
                    Publish(Events.EventTypes.Updated, manifest, new Dictionary<string, object?> { ["received"] = true, ["snapshot"] = header.Snapshot });
                    return manifest;
                }).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
    }

    private static void CheckReceivable(SendHeader header, IStorageDriver pool)
    {
        if (header.Driver != pool.Info.Name)
        {
            throw BerthException.Invalid("zpool",
                $"the stream holds {header.Driver} datasets and pool \"{pool.Spec.Name}\" is {pool.Info.Name}: receive it onto a {header.Driver} pool (--zpool)");
        }

        if (header.Manifest.Quota is > 0 && !pool.Info.CanEnforceQuota)
        {
            throw BerthException.Invalid("zpool",
                $"the instance has a quota of {header.Manifest.Quota} GiB and pool \"{pool.Spec.Name}\" ({pool.Info.Name}) cannot enforce quotas");
        }
    }

    /// <summary>Receives the dataset, then checks the trailer; a defect of the stream wins over how the driver saw it.</summary>
    private static async Task ReceiveVerifiedAsync(SendStreamReader reader, IStorageDriver pool, string dataset, CancellationToken ct)
    {
        try
        {
            await pool.ReceiveAsync(dataset, reader.OpenDataset(), ct).ConfigureAwait(false);
            await reader.DrainDatasetAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (reader.Failure is null)
            {
                // The driver refused the bytes: read on, so that a corrupt stream says so rather than the driver's words.
                try
                {
                    await reader.DrainDatasetAsync(ct).ConfigureAwait(false);
                    await reader.VerifyTrailerAsync(ct).ConfigureAwait(false);
                }
                catch (BerthException)
                {
                }
            }

            if (reader.Failure is { } defect)
            {
                throw new BerthException(defect.Kind, $"{defect.Message} (pool \"{pool.Spec.Name}\" stopped with: {e.Message})", defect.Errors);
            }

            throw;
        }

        await reader.VerifyTrailerAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Keeps the sent image's manifest (init, stop signal) for an instance whose image is not installed here.</summary>
    private async Task KeepImageAsync(SendHeader header, string uuid, CancellationToken ct)
    {
        if (header.Image is { } image && await store.GetImageAsync(header.Manifest.ImageUuid!, ct).ConfigureAwait(false) is null)
        {
            await store.SetSettingAsync(ReceivedImageKeyPrefix + uuid, JsonSerializer.Serialize(image, BerthJson.Default.ImageManifest), ct).ConfigureAwait(false);
        }
    }

    /// <summary>The image manifest a received instance brought along, when its image is not installed on this host.</summary>
    private async Task<ImageManifest?> ReceivedImageAsync(string? uuid, CancellationToken ct)
    {
        string? json = uuid is null ? null : await store.GetSettingAsync(ReceivedImageKeyPrefix + uuid, ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, BerthJson.Default.ImageManifest);
    }

    private IStorageDriver PoolHolding(string dataset, Manifest manifest) =>
        pools.All.FirstOrDefault(p => p.Exists(dataset))
        ?? throw new BerthException(ErrorKind.Unavailable, $"no pool holds the dataset of instance {Name(manifest)} ({dataset})");

    private static async Task<bool> HasSnapshotAsync(IStorageDriver pool, string dataset, string name, CancellationToken ct) =>
        (await pool.ListSnapshotsAsync(dataset, ct).ConfigureAwait(false)).Any(s => s.Name == name);

    private static partial class SendLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Sent instance {Uuid} as snapshot {Snapshot} (from {From})")]
        public static partial void Sent(ILogger logger, string uuid, string snapshot, string? from);

        [LoggerMessage(Level = LogLevel.Information, Message = "Received instance {Uuid} (sent as {SentUuid}) onto pool {Pool}, snapshot {Snapshot}")]
        public static partial void Received(ILogger logger, string uuid, string sentUuid, string pool, string snapshot);
    }
}
