namespace Berth.Core.Instances.Containers;

/// <summary>The host IDs an instance's user namespace maps its IDs 0..Size-1 onto (uids and gids alike).</summary>
/// <param name="HostId">the host uid/gid that root (0) inside the instance is</param>
/// <param name="Size">how many IDs are mapped</param>
public sealed record IdRange(long HostId, long Size)
{
    /// <summary>The first host ID handed to instances: far above any host user's (Debian gives users 1000-59999, subuids from 100000).</summary>
    public const long Base = 1_000_000_000;

    /// <summary>IDs per instance: the 16-bit range images assume (nobody is 65534).</summary>
    public const long SlotSize = 65536;

    /// <summary>How many slots fit below 2^32 - 1 (the invalid ID): 50,277.</summary>
    public const long MaxSlots = (uint.MaxValue - Base) / SlotSize;

    /// <summary>The range of slot <paramref name="slot"/> (0-based): slots never overlap.</summary>
    public static IdRange OfSlot(long slot) =>
        slot is >= 0 and < MaxSlots ? new IdRange(Base + (slot * SlotSize), SlotSize)
        : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"an ID slot is 0..{MaxSlots - 1}");

    /// <summary>The line for /proc/PID/uid_map and gid_map.</summary>
    public string MapLine => $"0 {HostId} {Size}";
}
