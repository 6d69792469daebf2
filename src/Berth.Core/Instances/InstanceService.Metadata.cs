using System.Globalization;
using Berth.Api.Contracts;
using Berth.Core.Metadata;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Instances;

/// <summary>The instance service as the metadata service's backend, and the user-script that runs once.</summary>
public sealed partial class InstanceService : IMetadataBackend
{
    /// <summary>Where the guest's copy of its user-script and that script's output go.</summary>
    public const string UserScriptPath = "/var/svc/mdata-user-script";

    public const string UserScriptLog = "/var/svc/log/mdata-user-script.log";

    // The script is passed on stdin and started in the background, so that a long one never holds up a start.
    private const string UserScriptLauncher =
        "umask 077 && mkdir -p /var/svc/log && cat > " + UserScriptPath + " && chmod 700 " + UserScriptPath
        + " && (" + UserScriptPath + " </dev/null >" + UserScriptLog + " 2>&1 &)";

    Task<Manifest?> IMetadataBackend.ReadAsync(string uuid, CancellationToken ct) => store.GetInstanceAsync(uuid, ct);

    /// <summary>A guest's PUT or DELETE, under the instance's lock like every other change of its manifest.</summary>
    Task<string?> IMetadataBackend.WriteAsync(string uuid, string key, string? value, CancellationToken ct) =>
        WithLockAsync(uuid, async () =>
        {
            Manifest? manifest = await store.GetInstanceAsync(uuid, ct).ConfigureAwait(false);
            if (manifest is null)
            {
                return "the instance no longer exists";
            }

            if (MetadataModel.RefuseWrite(manifest, key) is { } refused)
            {
                return refused;
            }

            if (value is null && manifest.CustomerMetadata?.ContainsKey(key) != true)
            {
                return null; // deleting what is not there: nothing to write
            }

            Dictionary<string, string> updated = MetadataModel.Apply(manifest.CustomerMetadata, key, value);
            long limit = metadata.Limits.MaxCustomerMetadataBytes;
            if (value is not null && MetadataModel.Size(updated) > limit)
            {
                return $"customer_metadata would grow past its limit of {limit} bytes";
            }

            await SaveAsync(manifest with { CustomerMetadata = updated, LastModified = DateTimeOffset.UtcNow }, ct).ConfigureAwait(false);
            return (string?)null;
        }, ct);

    private static string UserScriptSetting(string uuid) => $"user-script-launched/{uuid}";

    /// <summary>
    /// Runs customer_metadata's user-script in a running instance the first time it boots with one; the store records
    /// the launch first, so that it never runs twice (not after a restart, nor after a crash of berthd half way).
    /// </summary>
    private async Task LaunchUserScriptOnceAsync(Manifest manifest, CancellationToken ct)
    {
        string uuid = manifest.Uuid!;
        if (manifest.CustomerMetadata?.TryGetValue("user-script", out string? script) != true
            || await store.GetSettingAsync(UserScriptSetting(uuid), ct).ConfigureAwait(false) is not null)
        {
            return;
        }

        await store.SetSettingAsync(UserScriptSetting(uuid), DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        try
        {
            ExecResult launched = await containers.ExecAsync(uuid, ["/bin/sh", "-c", UserScriptLauncher], script, ct).ConfigureAwait(false);
            if (launched.ExitCode != 0)
            {
                Log.UserScriptFailed(logger, uuid, $"exit {launched.ExitCode}: {launched.Stderr.Trim()}");
                return;
            }

            Log.UserScriptLaunched(logger, uuid);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The instance may lack /bin/sh; it keeps running, and the log says why its script did not.
            Log.UserScriptFailed(logger, uuid, e.Message);
        }
    }

    /// <summary>The metadata service's part of vm info.</summary>
    private async Task<Dictionary<string, object?>> MetadataInfoAsync(string uuid, CancellationToken ct)
    {
        MetadataStats? stats = metadata.Stats(uuid);
        return new Dictionary<string, object?>
        {
            ["metadata_socket"] = metadata.IsServing(uuid) ? metadata.SocketPath(uuid) : null,
            ["metadata_requests"] = stats?.Requests,
            ["metadata_throttled"] = stats?.Throttled,
            ["metadata_malformed"] = stats?.Malformed,
            ["user_script_launched"] = await store.GetSettingAsync(UserScriptSetting(uuid), ct).ConfigureAwait(false),
        };
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Launched the user-script of instance {Uuid} (output in its " + UserScriptLog + ")")]
        public static partial void UserScriptLaunched(ILogger logger, string uuid);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The user-script of instance {Uuid} did not start: {Reason}")]
        public static partial void UserScriptFailed(ILogger logger, string uuid, string reason);
    }
}
