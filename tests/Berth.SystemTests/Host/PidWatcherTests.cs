using System.Diagnostics;
using Berth.Core.Host;

namespace Berth.SystemTests.Host;

/// <summary>PidWatcher against real processes: pidfds on one epoll thread.</summary>
public sealed class PidWatcherTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AnExitingProcessFiresItsCallback()
    {
        using var watcher = new PidWatcher();
        using Process sleeper = Start("sleep", "0.2");
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using IDisposable watch = watcher.Watch(sleeper.Id, () => fired.TrySetResult());

        Assert.False(fired.Task.IsCompleted, "fired before sleep 0.2 ended");
        await fired.Task.WaitAsync(s_deadline, TestContext.Current.CancellationToken);
        Assert.True(sleeper.WaitForExit(1000));
        Assert.Equal(0, watcher.Count);
    }

    [Fact]
    public async Task AGonePidFiresAtOnce()
    {
        using var watcher = new PidWatcher();
        using Process done = Start("true");
        done.WaitForExit();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using IDisposable watch = watcher.Watch(done.Id, () => fired.TrySetResult());

        await fired.Task.WaitAsync(s_deadline, TestContext.Current.CancellationToken);
        await watcher.WaitForExitAsync(done.Id, TestContext.Current.CancellationToken).WaitAsync(s_deadline, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task ManyWatchesFireEachOnceAndOnlyForTheirPid()
    {
        using var watcher = new PidWatcher();
        // All sleep long and the test ends them, so none can exit before it is watched however loaded the host is.
        var sleepers = Enumerable.Range(0, 40).Select(_ => Start("sleep", "60")).ToList();
        try
        {
            int[] fired = new int[sleepers.Count];
            var watches = sleepers.Select((p, i) => watcher.Watch(p.Id, () => Interlocked.Increment(ref fired[i]))).ToList();
            Assert.Equal(40, watcher.Count);
            foreach (Process p in sleepers.Where((_, i) => i % 2 == 0))
            {
                p.Kill();
            }

            await WaitUntilAsync(() => Enumerable.Range(0, 40).Where(i => i % 2 == 0).All(i => Volatile.Read(ref fired[i]) == 1));
            // The others fire only once killed.
            Assert.All(Enumerable.Range(0, 40).Where(i => i % 2 == 1), i => Assert.Equal(0, Volatile.Read(ref fired[i])));
            Assert.Equal(20, watcher.Count);
            foreach (Process p in sleepers.Where((_, i) => i % 2 == 1))
            {
                p.Kill();
            }

            await WaitUntilAsync(() => fired.All(f => Volatile.Read(ref f) == 1));
            Assert.Equal(0, watcher.Count);
            watches.ForEach(w => w.Dispose());
        }
        finally
        {
            sleepers.ForEach(p =>
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }

                p.Dispose();
            });
        }
    }

    [Fact]
    public async Task ADisposedWatchDoesNotFire()
    {
        using var watcher = new PidWatcher();
        using Process sleeper = Start("sleep", "60");
        int fired = 0;
        IDisposable watch = watcher.Watch(sleeper.Id, () => Interlocked.Increment(ref fired));
        var other = watcher.WaitForExitAsync(sleeper.Id, TestContext.Current.CancellationToken);

        watch.Dispose();
        sleeper.Kill();

        await other.WaitAsync(s_deadline, TestContext.Current.CancellationToken);
        Assert.Equal(0, Volatile.Read(ref fired));
    }

    [Fact]
    public async Task WaitForExitAsyncCancels()
    {
        using var watcher = new PidWatcher();
        using Process sleeper = Start("sleep", "60");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watcher.WaitForExitAsync(sleeper.Id, cts.Token));
            Assert.Equal(0, watcher.Count);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    private static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
