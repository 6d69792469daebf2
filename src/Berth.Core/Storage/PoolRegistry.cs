using Berth.Api.Contracts;
using Berth.Core.Store;

namespace Berth.Core.Storage;

/// <summary>The pools this daemon has opened, by name; creates, opens and deletes them with their records.</summary>
public sealed class PoolRegistry(IStateStore store, PoolManager manager, BerthPaths paths)
{
    public const string DefaultName = "default";
    public const long DefaultFileSize = 20L << 30;

    private readonly Dictionary<string, IStorageDriver> _pools = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Opens every recorded pool (mounting loop files again after a reboot).</summary>
    public async Task OpenAllAsync(Action<string, Exception> onFailure, CancellationToken ct = default)
    {
        foreach (PoolSpec spec in await store.ListPoolsAsync(ct).ConfigureAwait(false))
        {
            try
            {
                _pools[spec.Name] = await manager.OpenPoolAsync(spec, ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                onFailure(spec.Name, e);
            }
        }
    }

    public IStorageDriver Get(string? name)
    {
        name ??= DefaultName;
        lock (_pools)
        {
            return _pools.TryGetValue(name, out IStorageDriver? pool)
                ? pool
                : throw BerthException.NotFound($"pool \"{name}\" not found (berth pool list shows the pools; berth pool create makes one)");
        }
    }

    public bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IStorageDriver? pool)
    {
        lock (_pools)
        {
            return _pools.TryGetValue(name ?? DefaultName, out pool);
        }
    }

    public IReadOnlyList<IStorageDriver> All
    {
        get
        {
            lock (_pools)
            {
                return [.. _pools.Values];
            }
        }
    }

    public async Task<IStorageDriver> CreateAsync(PoolCreateRequest request, CancellationToken ct = default)
    {
        string name = request.Name ?? DefaultName;
        string driver = request.Driver ?? "btrfs";
        if (driver is not ("btrfs" or "dir"))
        {
            throw BerthException.Invalid("driver", $"\"{driver}\" is not a storage driver (btrfs, dir)");
        }

        if (request.Device is not null && request.File is not null)
        {
            throw BerthException.Invalid("device", "give either a device or a file, not both");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z0-9][a-z0-9_.-]{0,62}$"))
        {
            throw BerthException.Invalid("name", $"\"{name}\" is not a pool name (lowercase letters, digits, . _ -)");
        }

        string? file = driver == "btrfs" && request.Device is null
            ? request.File ?? Path.Combine(paths.StateDir, name == DefaultName ? "pool.img" : $"pool-{name}.img")
            : null;
        var spec = new PoolSpec(name, driver, request.Device, file, file is null ? null : request.Size ?? DefaultFileSize,
            Path.Combine(paths.PoolsDir, name));

        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (_pools)
            {
                if (_pools.ContainsKey(name))
                {
                    throw new BerthException(ErrorKind.AlreadyExists, $"pool \"{name}\" already exists");
                }
            }

            IStorageDriver pool = await manager.CreatePoolAsync(spec, ct).ConfigureAwait(false);
            try
            {
                await store.InsertPoolAsync(spec, ct).ConfigureAwait(false);
            }
            catch
            {
                await manager.DeletePoolAsync(pool).ConfigureAwait(false);
                throw;
            }

            lock (_pools)
            {
                _pools[name] = pool;
            }

            return pool;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DeleteAsync(string name, CancellationToken ct = default)
    {
        IStorageDriver pool = Get(name);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await manager.DeletePoolAsync(pool).ConfigureAwait(false);
            await store.DeletePoolAsync(name, ct).ConfigureAwait(false);
            lock (_pools)
            {
                _pools.Remove(name);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public static async Task<Pool> DescribeAsync(IStorageDriver pool, CancellationToken ct = default)
    {
        PoolUsage usage = await pool.GetUsageAsync(ct).ConfigureAwait(false);
        IReadOnlyList<string> instances = await pool.ListAsync("instances", ct).ConfigureAwait(false);
        IReadOnlyList<string> images = await pool.ListAsync("images", ct).ConfigureAwait(false);
        return new Pool
        {
            Name = pool.Spec.Name,
            Driver = pool.Spec.Driver,
            Device = pool.Spec.Device,
            File = pool.Spec.File,
            Mountpoint = pool.Spec.Mountpoint,
            Size = usage.Size,
            Used = usage.Used,
            Available = usage.Available,
            Datasets = instances.Count + images.Count,
            CanEnforceQuota = pool.Info.CanEnforceQuota,
            QuotaMode = pool.Info.QuotaMode,
        };
    }
}
