using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/vms/{id}/snapshots: named snapshots of an instance; a rollback keeps every snapshot and saves the state it replaces.</summary>
public sealed partial class BerthClient
{
    /// <summary>Takes a snapshot (a running container is frozen around it).</summary>
    public Task<Snapshot> CreateSnapshotAsync(string id, string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/snapshots", Json(new SnapshotCreateRequest { Name = name }, BerthJson.Default.SnapshotCreateRequest),
            BerthJson.Default.Snapshot, ct);

    /// <summary>The instance's snapshots, oldest first.</summary>
    public Task<List<Snapshot>> ListSnapshotsAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/snapshots", null, BerthJson.Default.ListSnapshot, ct);

    /// <summary>Rolls back to a snapshot; the answer says whether the instance was restarted and names the snapshot of the state before.</summary>
    public Task<RollbackResult> RollbackSnapshotAsync(string id, string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/snapshots/{Escape(name)}/rollback", null, BerthJson.Default.RollbackResult, ct);

    public async Task DeleteSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/vms/{Escape(id)}/snapshots/{Escape(name)}", null, ct).ConfigureAwait(false);
    }
}
