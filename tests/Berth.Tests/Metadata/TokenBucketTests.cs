using System.Diagnostics;
using Berth.Core.Metadata;

namespace Berth.Tests.Metadata;

public sealed class TokenBucketTests
{
    /// <summary>A clock a test moves by hand (the one OS seam of the bucket).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void BurstUpToCapacityThenRefusedWithTheWait()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(capacity: 10, refillPerSecond: 4, clock);

        for (int i = 0; i < 10; i++)
        {
            Assert.True(bucket.TryTake(1, out _), $"request {i} of the burst");
        }

        Assert.False(bucket.TryTake(1, out TimeSpan wait));
        Assert.Equal(TimeSpan.FromSeconds(0.25), wait);
    }

    [Fact]
    public void RefillsAtItsRateAndNeverAboveCapacity()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(capacity: 10, refillPerSecond: 4, clock);
        Assert.True(bucket.TryTake(10, out _));

        clock.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, bucket.Available, precision: 6);
        Assert.True(bucket.TryTake(2, out _));
        Assert.False(bucket.TryTake(1, out _));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(10, bucket.Available, precision: 6);
    }

    [Fact]
    public void CostAboveCapacityIsTakenAsTheCapacity()
    {
        var bucket = new TokenBucket(capacity: 5, refillPerSecond: 1, new ManualClock());

        Assert.True(bucket.TryTake(50, out _));
        Assert.False(bucket.TryTake(1, out _));
    }

    [Fact]
    public void TwoBucketsAreIndependent()
    {
        var clock = new ManualClock();
        var flooder = new TokenBucket(3, 1, clock);
        var quiet = new TokenBucket(3, 1, clock);
        while (flooder.TryTake(1, out _))
        {
        }

        Assert.True(quiet.TryTake(3, out _));
    }

    [Fact]
    public async Task TakeAsyncWaitsForTheRefillAndSaysItWaited()
    {
        var bucket = new TokenBucket(capacity: 1, refillPerSecond: 20, TimeProvider.System);

        Assert.False(await bucket.TakeAsync(1, TestContext.Current.CancellationToken));
        var clock = Stopwatch.StartNew();
        Assert.True(await bucket.TakeAsync(1, TestContext.Current.CancellationToken));
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 30, 2000);
    }
}
