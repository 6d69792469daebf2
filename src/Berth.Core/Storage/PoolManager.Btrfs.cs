using Berth.Core.Host;
using Berth.Core.Storage.Btrfs;

namespace Berth.Core.Storage;

public sealed partial class PoolManager
{
    private async Task<IStorageDriver> CreateBtrfsPoolAsync(PoolSpec spec, CancellationToken ct)
    {
        if (MountTable.At(spec.Mountpoint) is { } mounted)
        {
            throw new BerthException(ErrorKind.Conflict,
                $"Failed creating pool \"{spec.Name}\": \"{spec.Mountpoint}\" already has {mounted.FsType} from \"{mounted.Source}\" mounted on it");
        }

        await using var reverter = new Reverter();
        string source;
        if (spec.File is { } file)
        {
            source = file;
            CreateSparseFile(spec, file, reverter);
        }
        else
        {
            source = spec.Device!;
            await CheckDeviceIsFreeAsync(spec, source, ct).ConfigureAwait(false);
        }

        await runner.RunCheckedAsync("mkfs.btrfs", ["-q", "-L", $"berth-{spec.Name}", source], ct: ct).ConfigureAwait(false);
        if (spec.Device is not null)
        {
            // The device was empty before: undo leaves it empty again.
            reverter.Add($"wipe {source}", () => runner.RunCheckedAsync("wipefs", ["-a", source]));
        }

        if (!Directory.Exists(spec.Mountpoint))
        {
            Directory.CreateDirectory(spec.Mountpoint);
            reverter.Add($"remove {spec.Mountpoint}", () =>
            {
                Directory.Delete(spec.Mountpoint);
                return Task.CompletedTask;
            });
        }

        await MountAsync(spec, ct).ConfigureAwait(false);
        reverter.Add($"unmount {spec.Mountpoint}", () => UnmountAsync(spec));

        string mode;
        try
        {
            mode = BtrfsQuota.Enable(spec.Mountpoint, preferSimpleQuotas);
        }
        catch (IOException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed enabling quotas on pool \"{spec.Name}\" at \"{spec.Mountpoint}\": {e.Message}", e);
        }

        reverter.Success();
        return new BtrfsDriver(spec, mode);
    }

    private static void CreateSparseFile(PoolSpec spec, string file, Reverter reverter)
    {
        string? dir = Path.GetDirectoryName(file);
        if (dir is not null && !Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            reverter.Add($"remove {dir}", () =>
            {
                Directory.Delete(dir);
                return Task.CompletedTask;
            });
        }

        if (File.Exists(file))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"Failed creating pool \"{spec.Name}\": \"{file}\" already exists");
        }

        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
        reverter.Add($"remove {file}", () =>
        {
            File.Delete(file);
            return Task.CompletedTask;
        });
        // SetLength on a new file only moves its end: the file stays sparse.
        stream.SetLength(spec.SizeBytes ?? DefaultSizeBytes);
    }

    /// <summary>Refuses a device that is missing, not a block device, mounted, or holding any filesystem signature.</summary>
    private async Task CheckDeviceIsFreeAsync(PoolSpec spec, string device, CancellationToken ct)
    {
        string what = $"Failed creating pool \"{spec.Name}\" on \"{device}\"";
        if (!File.Exists(device))
        {
            throw BerthException.Invalid("device", $"{what}: the device does not exist");
        }

        string real = MountTable.RealPath(device);
        if (!Directory.Exists(Path.Combine("/sys/class/block", Path.GetFileName(real))))
        {
            throw BerthException.Invalid("device", $"{what}: \"{real}\" is not a block device");
        }

        if (MountTable.OfSource(device) is [var mount, ..])
        {
            throw new BerthException(ErrorKind.Conflict, $"{what}: it is mounted on \"{mount.MountPoint}\"");
        }

        // blkid -p probes the device itself (no cache); exit 2 means no signature was found.
        var probe = await runner.RunAsync("blkid", ["-p", "-o", "value", "-s", "TYPE", device], ct: ct).ConfigureAwait(false);
        if (probe.ExitCode == 0)
        {
            string type = probe.Stdout.Trim();
            throw new BerthException(ErrorKind.Conflict,
                $"{what}: it already holds {(type.Length > 0 ? $"a {type} filesystem" : "a signature")}; wipe it first (wipefs -a {device}) if it is no longer needed");
        }
    }

    /// <summary>Mounts the pool if it is not mounted (a reboot detaches loop files), and checks that what is mounted is btrfs.</summary>
    private async Task EnsureMountedAsync(PoolSpec spec, CancellationToken ct)
    {
        if (MountTable.At(spec.Mountpoint) is { } mounted)
        {
            if (mounted.FsType != "btrfs")
            {
                throw new BerthException(ErrorKind.Conflict,
                    $"Failed opening pool \"{spec.Name}\": \"{spec.Mountpoint}\" holds {mounted.FsType} from \"{mounted.Source}\", not btrfs");
            }

            return;
        }

        string source = spec.File ?? spec.Device!;
        if (!File.Exists(source))
        {
            throw BerthException.NotFound($"Failed opening pool \"{spec.Name}\": \"{source}\" does not exist");
        }

        Directory.CreateDirectory(spec.Mountpoint);
        await MountAsync(spec, ct).ConfigureAwait(false);
    }

    private Task MountAsync(PoolSpec spec, CancellationToken ct) =>
        spec.File is { } file
            // mount -o loop attaches the file with autoclear: the loop device goes away at unmount.
            ? runner.RunCheckedAsync("mount", ["-t", "btrfs", "-o", "loop", file, spec.Mountpoint], ct: ct)
            : runner.RunCheckedAsync("mount", ["-t", "btrfs", spec.Device!, spec.Mountpoint], ct: ct);

    private async Task UnmountAsync(PoolSpec spec)
    {
        await UnmountMountpointAsync(spec.Mountpoint, CancellationToken.None).ConfigureAwait(false);
        if (spec.File is not null)
        {
            await DetachLoopsAsync(spec.File, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Unmounts, waiting up to 3 s while the mount is busy: an instance that just ended may still hold it briefly.</summary>
    private async Task UnmountMountpointAsync(string mountpoint, CancellationToken ct)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            CommandResult result = await runner.RunAsync("umount", [mountpoint], ct: ct).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            if (!result.Stderr.Contains("busy", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                throw new CommandFailedException(result);
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Detaches loop devices still backed by <paramref name="file"/> (autoclear normally did it already).</summary>
    private async Task DetachLoopsAsync(string file, CancellationToken ct)
    {
        var list = await runner.RunCheckedAsync("losetup", ["-n", "-O", "NAME", "-j", file], ct: ct).ConfigureAwait(false);
        foreach (string loop in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await runner.RunAsync("losetup", ["-d", loop], ct: ct).ConfigureAwait(false);
        }
    }
}
