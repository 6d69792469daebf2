using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Api.Contracts;

namespace Berth.Core.Supervision;

/// <summary>What the supervisor remembers of an instance: its recent crashes, its last exit and why it is in maintenance.</summary>
public sealed record ExitRecord
{
    public List<DateTimeOffset> Crashes { get; init; } = [];
    public int? LastExitStatus { get; init; }
    public DateTimeOffset? LastExitTime { get; init; }
    public List<string> LastLogLines { get; init; } = [];
    /// <summary>Init exited without a stop and the instance has not been started since.</summary>
    public bool ExitedUnrequested { get; init; }
    public string? MaintenanceReason { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ExitRecord))]
internal sealed partial class SupervisionJson : JsonSerializerContext;

/// <summary>
/// Records unrequested exits and decides, by the <see cref="RestartPolicy"/>, whether to restart or put into maintenance.
/// Each record is also a small file under <c>&lt;state-dir&gt;/supervision</c>, so that svcs -x still explains after a berthd restart.
/// </summary>
public sealed class ExitHistory(BerthPaths paths, RestartPolicy policy)
{
    private readonly ConcurrentDictionary<string, ExitRecord> _records = new(StringComparer.Ordinal);

    public RestartPolicy Policy => policy;

    private string Dir => Path.Combine(paths.StateDir, "supervision");

    /// <summary>Records an exit of init nobody asked for and says what to do about it.</summary>
    public ExitVerdict RecordUnrequestedExit(Manifest manifest, int? exitStatus, IReadOnlyList<string> logTail, DateTimeOffset now)
    {
        string uuid = manifest.Uuid!;
        ExitRecord before = Get(uuid) ?? new ExitRecord();
        List<DateTimeOffset> crashes = [.. before.Crashes.Where(t => t > now - policy.Window), now];
        ExitVerdict verdict = policy.Decide(RestartPolicy.ParseMode(manifest.Restart), exitStatus, crashes, now);
        Save(uuid, before with
        {
            Crashes = crashes,
            LastExitStatus = exitStatus,
            LastExitTime = now,
            LastLogLines = [.. logTail],
            ExitedUnrequested = true,
            MaintenanceReason = verdict is ExitVerdict.Maintenance m ? m.Reason : null,
        });
        return verdict;
    }

    /// <summary>The instance ran again at <paramref name="at"/>: an exit before that is history, not a reason it is down.</summary>
    public void MarkStarted(string uuid, DateTimeOffset at)
    {
        if (Get(uuid) is { ExitedUnrequested: true } record && record.LastExitTime <= at)
        {
            Save(uuid, record with { ExitedUnrequested = false, MaintenanceReason = null });
        }
    }

    /// <summary>svcadm clear: forget the crashes, so the restarter starts afresh.</summary>
    public void Clear(string uuid)
    {
        if (Get(uuid) is { } record)
        {
            Save(uuid, record with { Crashes = [], MaintenanceReason = null, ExitedUnrequested = false });
        }
    }

    public ExitRecord? Get(string uuid)
    {
        if (_records.TryGetValue(uuid, out ExitRecord? record))
        {
            return record;
        }

        string file = FileOf(uuid);
        try
        {
            record = File.Exists(file) ? JsonSerializer.Deserialize(File.ReadAllText(file), SupervisionJson.Default.ExitRecord) : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            record = null; // an unreadable record only loses history
        }

        return record is null ? null : _records.GetOrAdd(uuid, record);
    }

    /// <summary>Removes the record of a deleted instance.</summary>
    public void Forget(string uuid)
    {
        _records.TryRemove(uuid, out _);
        File.Delete(FileOf(uuid));
    }

    /// <summary>Removes records of instances that no longer exist (deleted while berthd was down).</summary>
    public void Prune(IReadOnlySet<string> known)
    {
        if (!Directory.Exists(Dir))
        {
            return;
        }

        foreach (string file in Directory.GetFiles(Dir, "*.json"))
        {
            if (!known.Contains(Path.GetFileNameWithoutExtension(file)))
            {
                Forget(Path.GetFileNameWithoutExtension(file));
            }
        }
    }

    private void Save(string uuid, ExitRecord record)
    {
        _records[uuid] = record;
        Directory.CreateDirectory(Dir);
        string file = FileOf(uuid);
        File.WriteAllText(file + ".tmp", JsonSerializer.Serialize(record, SupervisionJson.Default.ExitRecord));
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private string FileOf(string uuid)
    {
        Instances.Containers.ContainerDriver.CheckUuid(uuid);
        return Path.Combine(Dir, uuid + ".json");
    }
}
