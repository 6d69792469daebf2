using Berth.Api.Contracts;
using Berth.Core.Store;

namespace Berth.Core.Instances;

/// <summary>
/// The intent journal: every mutation is journaled before it touches the host and ended when it returns, whether it
/// succeeded or failed and undid itself. An intent still there at start names a mutation a SIGKILL interrupted;
/// <see cref="RecoverIntentsAsync"/> finishes it (delete, stop, rollback) or undoes it (create, update, snapshot).
/// </summary>
public sealed partial class InstanceService
{
    /// <summary>One journaled mutation; <see cref="Ended"/> once its commit ended it together with a record change.</summary>
    private sealed class IntentScope(long id)
    {
        public long Id { get; } = id;

        public bool Ended { get; set; }
    }

    /// <summary>Runs <paramref name="mutation"/> under an intent; call it inside the instance's lock, after the checks that touch nothing.</summary>
    private async Task<T> JournaledAsync<T>(string uuid, string verb, Manifest? manifest, IntentDetail? detail, Func<IntentScope, Task<T>> mutation, CancellationToken ct)
    {
        var intent = new IntentScope(await store.BeginIntentAsync(uuid, verb, manifest, detail ?? new IntentDetail(), ct).ConfigureAwait(false));
        try
        {
            return await mutation(intent).ConfigureAwait(false);
        }
        finally
        {
            if (!intent.Ended)
            {
                // Not cancellable: the host is in a true state now, and an intent left behind would be recovered again.
                await store.EndIntentAsync(intent.Id, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The commit point of a create or receive: the record's final state and the end of the intent in one transaction.</summary>
    private async Task<Manifest> CommitAsync(IntentScope intent, Manifest manifest, InstanceState state, int? pid, CancellationToken ct)
    {
        manifest = manifest with { State = state.ToWire(), Pid = pid, LastModified = DateTimeOffset.UtcNow };
        await store.UpdateInstanceEndingIntentAsync(manifest, intent.Id, ct).ConfigureAwait(false);
        intent.Ended = true;
        return manifest;
    }

    /// <summary>Finishes or undoes each mutation a crash interrupted, oldest first; one that fails stays journaled for the next start.</summary>
    private async Task RecoverIntentsAsync(CancellationToken ct)
    {
        foreach (Intent intent in await store.ListIntentsAsync(ct).ConfigureAwait(false))
        {
            try
            {
                Log.Recovering(logger, intent.Verb, intent.Instance, intent.Started);
                await WithLockAsync(intent.Instance, async () =>
                {
                    await RecoverIntentAsync(intent, ct).ConfigureAwait(false);
                    return 0;
                }, ct).ConfigureAwait(false);
                await store.EndIntentAsync(intent.Id, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.RecoveryFailed(logger, intent.Verb, intent.Instance, e);
            }
        }
    }
}
