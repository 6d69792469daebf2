using System.Security.Cryptography;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Storage;
using Berth.Core.Store;

namespace Berth.Core.Images;

/// <summary>Images: a manifest with IMGAPI's fields plus a rootfs dataset "images/UUID" on a pool.</summary>
public sealed class ImageService(IStateStore store, PoolRegistry pools, CommandRunner runner)
{
    /// <summary>The fixed UUID of the image `berth image build busybox` makes, so that examples can name it.</summary>
    public const string BusyboxUuid = "7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e";

    // One add at a time: a second add of the same uuid would clear the first's dataset as a "leftover" mid-unpack.
    private readonly SemaphoreSlim _addLock = new(1, 1);

    public Task<IReadOnlyList<ImageManifest>> ListAsync(CancellationToken ct = default) => store.ListImagesAsync(ct);

    /// <summary>Finds an image by UUID, name, or name@version (the newest version when only a name is given).</summary>
    public async Task<ImageManifest> GetAsync(string id, CancellationToken ct = default)
    {
        IReadOnlyList<ImageManifest> all = await store.ListImagesAsync(ct).ConfigureAwait(false);
        string[] parts = id.Split('@', 2);
        ImageManifest? image = all.FirstOrDefault(i => i.Uuid == id)
            ?? all.Where(i => i.Name == parts[0] && (parts.Length == 1 || i.Version == parts[1]))
                  .OrderByDescending(i => i.PublishedAt).FirstOrDefault();
        return image ?? throw BerthException.NotFound($"image \"{id}\" not found (berth image list shows the images)");
    }

    public static string Dataset(string imageUuid) => $"images/{imageUuid}";

    /// <summary>Installs a rootfs tarball with its manifest, as imgadm install -m -f: the checksum must match.</summary>
    public async Task<ImageManifest> InstallAsync(ImageManifest manifest, string file, CancellationToken ct = default)
    {
        ImageManifest image = ImageManifestValidation.Normalize(manifest);
        if (!File.Exists(file))
        {
            throw BerthException.Invalid("file", $"\"{file}\" does not exist");
        }

        ImageFile expected = image.Files![0];
        long size = new FileInfo(file).Length;
        if (expected.Size is long s && s != size)
        {
            throw BerthException.Invalid("files[0].size", $"the manifest says {s} bytes but \"{file}\" has {size}");
        }

        string sha256;
        await using (FileStream stream = File.OpenRead(file))
        {
            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }

        if (!string.Equals(sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw BerthException.Invalid("files[0].sha256", $"\"{file}\" has sha256 {sha256}, not {expected.Sha256}");
        }

        return await AddAsync(image with { Files = [expected with { Size = size, Sha256 = sha256 }] },
            dir => runner.RunCheckedAsync("tar", ["-x", "-f", file, "-C", dir, "--numeric-owner"], ct: ct), ct).ConfigureAwait(false);
    }

    /// <summary>Builds the tiny busybox image from the host's busybox-static.</summary>
    public async Task<ImageManifest> BuildBusyboxAsync(CancellationToken ct = default)
    {
        CommandResult version = await runner.RunAsync("/bin/busybox", [], ct: ct).ConfigureAwait(false);
        string v = System.Text.RegularExpressions.Regex.Match(version.Stdout + version.Stderr, @"v(\d+\.\d+\.\d+)").Groups[1].Value;
        var image = new ImageManifest
        {
            V = 2,
            Uuid = BusyboxUuid,
            Owner = "00000000-0000-0000-0000-000000000000",
            Name = "busybox",
            Version = v.Length > 0 ? v : "1.0.0",
            Type = "lx-dataset",
            Os = "linux",
            Description = "A tiny Linux userland from busybox-static, booting busybox init; built locally by berth image build busybox",
            PublishedAt = DateTimeOffset.UtcNow,
            Files = [new ImageFile { Compression = "none" }],
            BerthStopSignal = "SIGUSR2",
            BerthInit = "/sbin/init",
        };
        return await AddAsync(image, dir => BusyboxRootfs.BuildAsync(dir, ct), ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        ImageManifest image = await GetAsync(id, ct).ConfigureAwait(false);
        IReadOnlyList<Manifest> users = [.. (await store.ListInstancesAsync(ct).ConfigureAwait(false)).Where(m => m.ImageUuid == image.Uuid)];
        if (users.Count > 0)
        {
            throw new BerthException(ErrorKind.Conflict,
                $"image {image.Name}@{image.Version} is used by {users.Count} instance(s): {string.Join(", ", users.Select(u => u.Alias ?? u.Uuid))}");
        }

        await store.DeleteImageAsync(image.Uuid!, ct).ConfigureAwait(false);
        foreach (IStorageDriver pool in pools.All)
        {
            await pool.DeleteAsync(Dataset(image.Uuid!), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Makes sure the image's dataset is on the given pool (copying it from another pool once).</summary>
    public async Task EnsureOnPoolAsync(ImageManifest image, IStorageDriver target, CancellationToken ct = default)
    {
        string dataset = Dataset(image.Uuid!);
        if (target.Exists(dataset))
        {
            return;
        }

        IStorageDriver source = pools.All.FirstOrDefault(p => p.Exists(dataset))
            ?? throw new BerthException(ErrorKind.Unavailable, $"image {image.Uuid} has no dataset on any pool; install it again");
        await target.CreateAsync(dataset, ct).ConfigureAwait(false);
        try
        {
            await runner.RunCheckedAsync("cp", ["-a", "--reflink=auto", source.DatasetPath(dataset) + "/.", target.DatasetPath(dataset)], ct: ct).ConfigureAwait(false);
        }
        catch
        {
            await target.DeleteAsync(dataset, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<ImageManifest> AddAsync(ImageManifest image, Func<string, Task> fill, CancellationToken ct)
    {
        await _addLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await AddLockedAsync(image, fill, ct).ConfigureAwait(false);
        }
        finally
        {
            _addLock.Release();
        }
    }

    private async Task<ImageManifest> AddLockedAsync(ImageManifest image, Func<string, Task> fill, CancellationToken ct)
    {
        if (await store.GetImageAsync(image.Uuid!, ct).ConfigureAwait(false) is not null)
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"image {image.Uuid} ({image.Name}@{image.Version}) is already installed");
        }

        IStorageDriver pool = pools.Get(null);
        string dataset = Dataset(image.Uuid!);
        await using var reverter = new Reverter();
        await pool.DeleteAsync(dataset, ct).ConfigureAwait(false); // a leftover of an install that died half way
        await pool.CreateAsync(dataset, ct).ConfigureAwait(false);
        reverter.Add("image dataset", () => pool.DeleteAsync(dataset));
        try
        {
            await fill(pool.DatasetPath(dataset)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (BerthException or OperationCanceledException))
        {
            throw new BerthException(ErrorKind.InvalidArgument, $"Failed unpacking image {image.Uuid}: {e.Message}", e);
        }

        ImageManifest installed = image with { State = "active" };
        await store.InsertImageAsync(installed, ct).ConfigureAwait(false);
        reverter.Success();
        return installed;
    }
}
