namespace Berth.Core.Metadata;

/// <summary>What the metadata service keeps per instance: its token bucket, connection slots and counters.</summary>
public sealed class InstanceMetadataState(MetadataLimits limits, TimeProvider time)
{
    private static readonly TimeSpan s_warnEvery = TimeSpan.FromMinutes(1);
    private long _lastWarning = long.MinValue;
    private long _requests;
    private long _throttled;
    private long _malformed;

    public MetadataLimits Limits { get; } = limits;

    public TokenBucket Bucket { get; } = new(limits.BurstTokens, limits.TokensPerSecond, time);

    /// <summary>Connections served at once; the accept loop waits for a free slot.</summary>
    public SemaphoreSlim ConnectionSlots { get; } = new(limits.MaxConnections, limits.MaxConnections);

    public MetadataStats Stats => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _throttled), Interlocked.Read(ref _malformed));

    public void CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>Counts a throttled line; true when it is time to log a warning (the first time, then once a minute).</summary>
    public bool CountThrottled()
    {
        Interlocked.Increment(ref _throttled);
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _lastWarning);
        return (last == long.MinValue || time.GetElapsedTime(last, now) >= s_warnEvery)
            && Interlocked.CompareExchange(ref _lastWarning, now, last) == last;
    }

    public void CountMalformed() => Interlocked.Increment(ref _malformed);
}

/// <summary>Counters of one instance's metadata service since berthd started serving it (shown by vm info).</summary>
/// <param name="Requests">lines answered</param>
/// <param name="Throttled">requests, or reads of a long line, that waited for the rate limit</param>
/// <param name="Malformed">lines answered with a protocol error</param>
public sealed record MetadataStats(long Requests, long Throttled, long Malformed);
