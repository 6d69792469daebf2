using Berth.Core.Host.Interop;
using Microsoft.Win32.SafeHandles;

namespace Berth.Core.Storage.Btrfs;

public sealed partial class BtrfsDriver
{
    public Task SetQuotaAsync(string dataset, long? bytes, CancellationToken ct = default) =>
        StorageErrors.Run($"Failed setting quota on \"{Path.Combine(_root, dataset)}\"", () =>
        {
            if (bytes < 0)
            {
                throw BerthException.Invalid("quota", $"{bytes} is negative");
            }

            bool clear = bytes is null or 0;
            if (!Info.CanEnforceQuota)
            {
                if (clear)
                {
                    return;
                }

                throw BerthException.Invalid("quota", $"quotas are off on the btrfs pool \"{Spec.Name}\"; set quota to 0");
            }

            using SafeFileHandle subvolume = OpenDirectory.Open(DatasetPath(dataset));
            BtrfsIoctl.QgroupLimitExclusive(subvolume, clear ? null : (ulong)bytes!.Value);
        });

    /// <summary>Removes the deleted subvolume's qgroup; while the cleaner still drops it the kernel says EBUSY and removes it itself once dropped (6.x).</summary>
    private void DestroyQgroup(ulong subvolumeId)
    {
        if (!Info.CanEnforceQuota)
        {
            return;
        }

        try
        {
            using SafeFileHandle root = OpenDirectory.Open(_root);
            BtrfsIoctl.QgroupDestroy(root, subvolumeId);
        }
        catch (ErrnoException e) when (e.Errno is ErrnoException.EBUSY or ErrnoException.ENOENT)
        {
            // Still being dropped (the kernel removes it when done) or already gone.
        }
    }
}
