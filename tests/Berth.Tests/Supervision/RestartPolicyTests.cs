using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Supervision;

namespace Berth.Tests.Supervision;

public sealed class RestartPolicyTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly RestartPolicy s_policy = RestartPolicy.Default;

    [Fact]
    public void BackoffDoublesUpToTheCap()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(100), s_policy.Backoff(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), s_policy.Backoff(2));
        Assert.Equal(TimeSpan.FromMilliseconds(800), s_policy.Backoff(4));
        Assert.Equal(TimeSpan.FromSeconds(30), s_policy.Backoff(20));
    }

    [Theory]
    [InlineData("no", 1, false)]
    [InlineData("on-failure", 0, false)]
    [InlineData("on-failure", 1, true)]
    [InlineData("on-failure", 137, true)]
    [InlineData("always", 0, true)]
    public void ModeDecidesWhichExitsRestart(string mode, int status, bool restart) =>
        Assert.Equal(restart, RestartPolicy.WantsRestart(RestartPolicy.ParseMode(mode), status));

    [Fact]
    public void TooManyCrashesInTheWindowMeanMaintenance()
    {
        var crashes = new List<DateTimeOffset>();
        for (int i = 1; i < s_policy.MaxCrashes; i++)
        {
            crashes.Add(s_t0.AddSeconds(i));
            ExitVerdict v = s_policy.Decide(RestartMode.OnFailure, 3, crashes, s_t0.AddSeconds(i));
            var restart = Assert.IsType<ExitVerdict.Restart>(v);
            Assert.Equal(i, restart.Attempt);
            Assert.Equal(s_policy.Backoff(i), restart.Delay);
        }

        crashes.Add(s_t0.AddSeconds(s_policy.MaxCrashes));
        var maintenance = Assert.IsType<ExitVerdict.Maintenance>(s_policy.Decide(RestartMode.OnFailure, 3, crashes, s_t0.AddSeconds(s_policy.MaxCrashes)));
        Assert.Contains("5 times within 60 s", maintenance.Reason);
        Assert.Contains("status 3", maintenance.Reason);
    }

    [Fact]
    public void CrashesOutsideTheWindowAreForgotten()
    {
        // Four old crashes, then one a window later: a first attempt again, with the shortest backoff.
        List<DateTimeOffset> crashes = [s_t0, s_t0.AddSeconds(1), s_t0.AddSeconds(2), s_t0.AddSeconds(3)];
        DateTimeOffset later = s_t0 + s_policy.Window + TimeSpan.FromSeconds(5);
        crashes.Add(later);

        var restart = Assert.IsType<ExitVerdict.Restart>(s_policy.Decide(RestartMode.Always, 1, crashes, later));
        Assert.Equal(1, restart.Attempt);
        Assert.Equal(s_policy.InitialBackoff, restart.Delay);
    }

    [Fact]
    public void ExitHistoryCountsCrashesAndClearForgetsThem()
    {
        string dir = Path.Combine(Path.GetTempPath(), "berth-exits-" + Guid.NewGuid().ToString("N"));
        try
        {
            var history = new ExitHistory(new BerthPaths(dir, dir, "x"), s_policy);
            var m = new Manifest { Uuid = Guid.NewGuid().ToString("D"), Restart = "on-failure" };
            ExitVerdict last = new ExitVerdict.Stay();
            for (int i = 0; i < s_policy.MaxCrashes; i++)
            {
                last = history.RecordUnrequestedExit(m, 3, ["boom"], DateTimeOffset.UtcNow);
            }

            Assert.IsType<ExitVerdict.Maintenance>(last);
            // A new ExitHistory (a restarted berthd) reads the record back from its file.
            ExitRecord record = new ExitHistory(new BerthPaths(dir, dir, "x"), s_policy).Get(m.Uuid!)!;
            Assert.Equal(3, record.LastExitStatus);
            Assert.Equal(["boom"], record.LastLogLines);
            Assert.NotNull(record.MaintenanceReason);

            history.Clear(m.Uuid!);
            Assert.IsType<ExitVerdict.Restart>(history.RecordUnrequestedExit(m, 3, [], DateTimeOffset.UtcNow));

            history.Forget(m.Uuid!);
            Assert.Null(new ExitHistory(new BerthPaths(dir, dir, "x"), s_policy).Get(m.Uuid!));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
