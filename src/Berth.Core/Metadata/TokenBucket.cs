namespace Berth.Core.Metadata;

/// <summary>
/// A token bucket: holds up to <c>capacity</c> tokens, refilled at <c>refillPerSecond</c>; a request takes its cost
/// or waits until the bucket has it. One per instance, so a guest that floods only slows itself.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _capacity;
    private readonly double _refillPerSecond;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _stamp;

    public TokenBucket(double capacity, double refillPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(refillPerSecond);
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _time = time;
        _tokens = capacity;
        _stamp = time.GetTimestamp();
    }

    /// <summary>Tokens in the bucket now.</summary>
    public double Available
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return _tokens;
            }
        }
    }

    /// <summary>Takes <paramref name="cost"/> tokens if there are enough; else says how long until there will be.</summary>
    /// <remarks>A cost above the capacity is taken as the capacity, so that every request can pass eventually.</remarks>
    public bool TryTake(double cost, out TimeSpan wait)
    {
        cost = Math.Min(cost, _capacity);
        lock (_lock)
        {
            Refill();
            if (_tokens >= cost)
            {
                _tokens -= cost;
                wait = TimeSpan.Zero;
                return true;
            }

            wait = TimeSpan.FromSeconds((cost - _tokens) / _refillPerSecond);
            return false;
        }
    }

    /// <summary>Takes the cost, waiting for the refill when needed; true when the caller had to wait (was throttled).</summary>
    public async ValueTask<bool> TakeAsync(double cost, CancellationToken ct)
    {
        bool waited = false;
        while (!TryTake(cost, out TimeSpan wait))
        {
            waited = true;
            await Task.Delay(wait + TimeSpan.FromMilliseconds(1), _time, ct).ConfigureAwait(false);
        }

        return waited;
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        double seconds = _time.GetElapsedTime(_stamp, now).TotalSeconds;
        _stamp = now;
        _tokens = Math.Min(_capacity, _tokens + (seconds * _refillPerSecond));
    }
}
