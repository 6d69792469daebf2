using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>/v1/images, /v1/pools, /v1/networks and /v1/sysinfo.</summary>
public sealed partial class BerthClient
{
    public Task<List<ImageManifest>> ListImagesAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/images", null, BerthJson.Default.ListImageManifest, ct);

    /// <summary>An image by UUID or name.</summary>
    public Task<ImageManifest> GetImageAsync(string id, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/images/{Escape(id)}", null, BerthJson.Default.ImageManifest, ct);

    /// <summary>Installs a rootfs tarball (a path on the daemon's host) with its IMGAPI manifest; the daemon checks the sha256.</summary>
    public Task<ImageManifest> InstallImageAsync(ImageInstallRequest install, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/images/install", Json(install, BerthJson.Default.ImageInstallRequest), BerthJson.Default.ImageManifest, ct);

    public Task<ImageManifest> BuildImageAsync(string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/images/build", Json(new ImageBuildRequest { Name = name }, BerthJson.Default.ImageBuildRequest), BerthJson.Default.ImageManifest, ct);

    public async Task DeleteImageAsync(string id, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/images/{Escape(id)}", null, ct).ConfigureAwait(false);
    }

    public Task<List<Pool>> ListPoolsAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/pools", null, BerthJson.Default.ListPool, ct);

    public Task<Pool> GetPoolAsync(string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/pools/{Escape(name)}", null, BerthJson.Default.Pool, ct);

    public Task<Pool> CreatePoolAsync(PoolCreateRequest create, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/pools", Json(create, BerthJson.Default.PoolCreateRequest), BerthJson.Default.Pool, ct);

    public async Task DeletePoolAsync(string name, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/pools/{Escape(name)}", null, ct).ConfigureAwait(false);
    }

    public Task<List<Network>> ListNetworksAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/networks", null, BerthJson.Default.ListNetwork, ct);

    public Task<Network> GetNetworkAsync(string name, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, $"v1/networks/{Escape(name)}", null, BerthJson.Default.Network, ct);

    public Task<Network> CreateNetworkAsync(Network network, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "v1/networks", Json(network, BerthJson.Default.Network), BerthJson.Default.Network, ct);

    public async Task DeleteNetworkAsync(string name, CancellationToken ct = default)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Delete, $"v1/networks/{Escape(name)}", null, ct).ConfigureAwait(false);
    }

    public Task<Sysinfo> GetSysinfoAsync(CancellationToken ct = default) =>
        SendAsync(HttpMethod.Get, "v1/sysinfo", null, BerthJson.Default.Sysinfo, ct);
}
