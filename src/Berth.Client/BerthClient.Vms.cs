using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/vms: an instance is named by its UUID, a unique UUID prefix or a unique alias; berthd resolves it.</summary>
public sealed partial class BerthClient
{
    public Task<List<Manifest>> ListVmsAsync(IReadOnlyDictionary<string, string>? filters = null, CancellationToken ct = default)
    {
        string query = filters is null || filters.Count == 0
            ? ""
            : "?" + string.Join('&', filters.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
        return SendAsync(HttpMethod.Get, "v1/vms" + query, null, BerthJson.Default.ListManifest, ct);
    }

    /// <summary>Creates an instance from a raw manifest (validated by the daemon); returns once it runs, or is stopped with autoboot false.</summary>
    public Task<Manifest> CreateVmAsync(ReadOnlyMemory<byte> manifestJson, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/vms", RawJson(manifestJson), BerthJson.Default.Manifest, ct);

    /// <summary>Validates a raw manifest; a rejected one is a <see cref="BerthApiException"/> (400) naming the properties.</summary>
    public Task<ValidateResult> ValidateVmAsync(ReadOnlyMemory<byte> manifestJson, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/vms/validate", RawJson(manifestJson), BerthJson.Default.ValidateResult, ct);

    public Task<Manifest> GetVmAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}", null, BerthJson.Default.Manifest, ct);

    public Task<Manifest> StartVmAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/start", null, BerthJson.Default.Manifest, ct);

    public Task<Manifest> StopVmAsync(string id, StopRequest? stop = null, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/stop", Json(stop ?? new StopRequest(), BerthJson.Default.StopRequest), BerthJson.Default.Manifest, ct);

    public Task<Manifest> RebootVmAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/reboot", null, BerthJson.Default.Manifest, ct);

    /// <summary>Changes the properties of a raw JSON object; the answer names those that need a restart.</summary>
    public Task<UpdateResult> UpdateVmAsync(string id, ReadOnlyMemory<byte> propertiesJson, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Patch, $"v1/vms/{Escape(id)}", RawJson(propertiesJson), BerthJson.Default.UpdateResult, ct);

    /// <summary>Deletes an instance, stopping it first when it runs.</summary>
    public async Task DeleteVmAsync(string id, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/vms/{Escape(id)}", null, ct).ConfigureAwait(false);
    }

    public Task<ExecResult> ExecAsync(string id, ExecRequest exec, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, $"v1/vms/{Escape(id)}/exec", Json(exec, BerthJson.Default.ExecRequest), BerthJson.Default.ExecResult, ct);

    /// <summary>Runtime facts about an instance, as the daemon gathers them: a free-form JSON object.</summary>
    public async Task<JsonElement> GetVmInfoAsync(string id, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, $"v1/vms/{Escape(id)}/info", null, ct).ConfigureAwait(false);
        byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    /// <summary>Attaches to the console: binary frames carry console bytes out and keystrokes in.</summary>
    public Task<WebSocket> ConnectConsoleAsync(string id, CancellationToken ct = default) =>
        ConnectWebSocketAsync($"v1/vms/{Escape(id)}/console", ct);

    /// <summary>Convenience for callers holding the manifest as text.</summary>
    public static ReadOnlyMemory<byte> Utf8(string json) => Encoding.UTF8.GetBytes(json);
}
