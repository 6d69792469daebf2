using Berth.Core.Host;
using Berth.Core.Storage.Btrfs;
using Berth.Core.Storage.Dir;

namespace Berth.Core.Storage;

/// <summary>Creates, opens (at daemon start and after a reboot) and deletes pools; a failed create leaves no file, filesystem or mount.</summary>
/// <param name="runner">runs mkfs.btrfs, mount, umount, losetup, blkid</param>
/// <param name="preferSimpleQuotas">btrfs simple quotas where the kernel has them (6.7+); false keeps classic qgroups</param>
public sealed partial class PoolManager(CommandRunner runner, bool preferSimpleQuotas = true)
{
    public const long DefaultSizeBytes = 20L << 30;

    /// <summary>mkfs.btrfs needs about 114 MiB.</summary>
    public const long MinimumSizeBytes = 128L << 20;

    public PoolManager()
        : this(CommandRunner.Default)
    {
    }

    public async Task<IStorageDriver> CreatePoolAsync(PoolSpec spec, CancellationToken ct = default)
    {
        Validate(spec);
        try
        {
            return spec.Driver == "dir" ? CreateDirPool(spec) : await CreateBtrfsPoolAsync(spec, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not BerthException and not OperationCanceledException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed creating pool \"{spec.Name}\": {e.Message}", e);
        }
    }

    public async Task<IStorageDriver> OpenPoolAsync(PoolSpec spec, CancellationToken ct = default)
    {
        Validate(spec);
        try
        {
            if (spec.Driver == "dir")
            {
                Directory.CreateDirectory(spec.Mountpoint);
                return new DirDriver(spec, runner);
            }

            await EnsureMountedAsync(spec, ct).ConfigureAwait(false);
            return new BtrfsDriver(spec, BtrfsQuota.Detect(spec.Mountpoint));
        }
        catch (Exception e) when (e is not BerthException and not OperationCanceledException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed opening pool \"{spec.Name}\": {e.Message}", e);
        }
    }

    /// <summary>Unmounts the pool, detaches its loop device and removes its loop file; refused while it holds datasets.</summary>
    public async Task DeletePoolAsync(IStorageDriver pool, CancellationToken ct = default)
    {
        PoolSpec spec = pool.Spec;
        if (spec.Driver == "btrfs" && File.Exists(spec.File ?? spec.Device))
        {
            // An unmounted pool would look empty: mount it to see its datasets.
            await EnsureMountedAsync(spec, ct).ConfigureAwait(false);
        }

        IReadOnlyList<string> datasets = Directory.Exists(spec.Mountpoint) ? await pool.ListAsync("", ct).ConfigureAwait(false) : [];
        if (datasets.Count > 0)
        {
            throw new BerthException(ErrorKind.Conflict,
                $"pool \"{spec.Name}\" still holds {datasets.Count} dataset(s) ({string.Join(", ", datasets.Take(5))}); delete them first");
        }

        try
        {
            if (spec.Driver == "dir")
            {
                RemoveEmptyTree(spec.Mountpoint);
                return;
            }

            if (MountTable.At(spec.Mountpoint) is not null)
            {
                await UnmountMountpointAsync(spec.Mountpoint, ct).ConfigureAwait(false);
            }

            if (spec.File is not null)
            {
                await DetachLoopsAsync(spec.File, ct).ConfigureAwait(false);
                File.Delete(spec.File);
            }

            TryRemoveEmptyDirectory(spec.Mountpoint);
        }
        catch (Exception e) when (e is not BerthException and not OperationCanceledException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed deleting pool \"{spec.Name}\": {e.Message}", e);
        }
    }

    private static void Validate(PoolSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw BerthException.Invalid("name", "a pool needs a name");
        }

        if (!Path.IsPathFullyQualified(spec.Mountpoint))
        {
            throw BerthException.Invalid("mountpoint", $"\"{spec.Mountpoint}\" is not an absolute path");
        }

        switch (spec.Driver)
        {
            case "dir" when spec.Device is not null || spec.File is not null:
                throw BerthException.Invalid("driver", "the dir driver takes neither a device nor a file");
            case "dir":
                break;
            case "btrfs" when (spec.Device is null) == (spec.File is null):
                throw BerthException.Invalid("device", "a btrfs pool needs exactly one of a device or a file");
            case "btrfs" when spec.File is not null && !Path.IsPathFullyQualified(spec.File):
                throw BerthException.Invalid("file", $"\"{spec.File}\" is not an absolute path");
            case "btrfs" when spec.File is not null && spec.SizeBytes is { } size && size < MinimumSizeBytes:
                throw BerthException.Invalid("size", $"{size} bytes is below the {MinimumSizeBytes >> 20} MiB a btrfs filesystem needs");
            case "btrfs":
                break;
            default:
                throw BerthException.Invalid("driver", $"\"{spec.Driver}\" is not a storage driver (btrfs, dir)");
        }
    }

    private DirDriver CreateDirPool(PoolSpec spec)
    {
        if (Directory.Exists(spec.Mountpoint) && Directory.EnumerateFileSystemEntries(spec.Mountpoint).Any())
        {
            throw new BerthException(ErrorKind.Conflict, $"Failed creating pool \"{spec.Name}\": \"{spec.Mountpoint}\" is not empty");
        }

        Directory.CreateDirectory(spec.Mountpoint);
        return new DirDriver(spec, runner);
    }

    private static void RemoveEmptyTree(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (string group in Directory.EnumerateDirectories(root))
        {
            TryRemoveEmptyDirectory(group);
        }

        TryRemoveEmptyDirectory(root);
    }

    private static void TryRemoveEmptyDirectory(string path)
    {
        if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
        {
            Directory.Delete(path);
        }
    }
}
