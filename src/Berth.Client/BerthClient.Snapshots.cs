using Berth.Api.Contracts;

namespace Berth.Client;

public sealed partial class BerthClient
{
    public Task<Snapshot> CreateSnapshotAsync(string id, string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/snapshots", Json(new SnapshotRequest { Name = name }, BerthJson.Default.SnapshotRequest), BerthJson.Default.Snapshot, ct);

    public Task<List<Snapshot>> ListSnapshotsAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/snapshots", null, BerthJson.Default.ListSnapshot, ct);

    /// <summary>Rolls back; the answer says whether the instance was restarted and which snapshot holds the state before.</summary>
    public Task<RollbackResult> RollbackSnapshotAsync(string id, string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/snapshots/{Escape(name)}/rollback", null, BerthJson.Default.RollbackResult, ct);

    public async Task DeleteSnapshotAsync(string id, string name, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/vms/{Escape(id)}/snapshots/{Escape(name)}", null, ct).ConfigureAwait(false);
    }
}
