using Berth.Core.Host;

namespace Berth.Core.Storage.Dir;

/// <summary>A pool of plain directories: clones are `cp -a --reflink=auto` copies (shared extents on btrfs/xfs), no quotas.</summary>
public sealed partial class DirDriver : IStorageDriver
{
    private readonly string _root;
    private readonly CommandRunner _runner;

    internal DirDriver(PoolSpec spec, CommandRunner runner)
    {
        Spec = spec;
        _root = MountTable.Normalize(spec.Mountpoint);
        _runner = runner;
    }

    public StorageDriverInfo Info { get; } = new("dir", InstantSnapshots: false, CanEnforceQuota: false, QuotaMode: "none");

    public PoolSpec Spec { get; }

    public string DatasetPath(string dataset) => PoolRoot.DatasetPath(_root, dataset);

    public bool Exists(string dataset) => Directory.Exists(DatasetPath(dataset));

    public Task CreateAsync(string dataset, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed creating dataset \"{Path.Combine(_root, dataset)}\"", () =>
        {
            string path = DatasetPath(dataset);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (Directory.Exists(path))
            {
                throw new BerthException(ErrorKind.AlreadyExists, $"dataset \"{dataset}\" already exists");
            }

            Directory.CreateDirectory(path);
        });

    public async Task CloneAsync(string source, string target, CancellationToken ct = default)
    {
        string sourcePath = DatasetPath(source);
        string targetPath = DatasetPath(target);
        string what = $"Failed copying \"{sourcePath}\" to \"{targetPath}\"";
        if (!Directory.Exists(sourcePath))
        {
            throw BerthException.NotFound($"{what}: source dataset \"{source}\" does not exist");
        }

        if (Directory.Exists(targetPath))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"{what}: dataset \"{target}\" already exists");
        }

        await CopyTreeAsync(sourcePath, targetPath, what, ct).ConfigureAwait(false);
    }

    /// <summary>Copies under a hidden name and renames: a crash mid-copy never leaves a half tree under the target name.</summary>
    private async Task CopyTreeAsync(string sourcePath, string targetPath, string what, CancellationToken ct)
    {
        string parent = Path.GetDirectoryName(targetPath)!;
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".copy-{Path.GetFileName(targetPath)}-{Guid.NewGuid():N}");
        try
        {
            await _runner.RunCheckedAsync("cp", ["-a", "--reflink=auto", "--", sourcePath, temp], ct: ct).ConfigureAwait(false);
            Directory.Move(temp, targetPath);
        }
        catch (Exception e) when (e is CommandFailedException or IOException)
        {
            await RemoveTreeAsync(temp).ConfigureAwait(false);
            throw new BerthException(ErrorKind.Internal, $"{what}: {e.Message}", e);
        }
    }

    public async Task DeleteAsync(string dataset, CancellationToken ct = default)
    {
        await DeleteTreeAsync(SnapshotName.Dir(_root, dataset), ct).ConfigureAwait(false);
        await DeleteTreeAsync(DatasetPath(dataset), ct).ConfigureAwait(false);
    }

    private async Task DeleteTreeAsync(string path, CancellationToken ct)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // Rename first so that a dataset is either whole or gone from List, even if rm is interrupted.
        string doomed = Path.Combine(Path.GetDirectoryName(path)!, $".delete-{Path.GetFileName(path)}-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(path, doomed);
            await RemoveTreeAsync(doomed, throwOnFailure: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CommandFailedException or IOException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed deleting \"{path}\": {e.Message}", e);
        }
    }

    public Task SetQuotaAsync(string dataset, long? bytes, CancellationToken ct = default)
    {
        if (bytes is null or 0)
        {
            return Task.CompletedTask;
        }

        return Task.FromException(BerthException.Invalid("quota", "the dir driver cannot enforce quotas; use a btrfs pool or set quota to 0"));
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default) => PoolRoot.ListAsync(_root, prefix);

    public Task<PoolUsage> GetUsageAsync(CancellationToken ct = default) => PoolRoot.UsageAsync(_root);

    private async Task RemoveTreeAsync(string path, bool throwOnFailure = false)
    {
        // rm, not Directory.Delete: a copied rootfs holds device nodes, odd modes and symlinks that rm handles without following.
        CommandResult result = await _runner.RunAsync("rm", ["-rf", "--one-file-system", "--", path]).ConfigureAwait(false);
        if (throwOnFailure && !result.Succeeded)
        {
            throw new CommandFailedException(result);
        }
    }
}
