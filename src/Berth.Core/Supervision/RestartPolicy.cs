namespace Berth.Core.Supervision;

/// <summary>A manifest's <c>restart</c> property.</summary>
public enum RestartMode
{
    No,
    OnFailure,
    Always,
}

/// <summary>What berthd does after init exited without a stop.</summary>
public abstract record ExitVerdict
{
    /// <summary>Leave it stopped (restart is no, or on-failure and init exited 0).</summary>
    public sealed record Stay : ExitVerdict;

    /// <summary>Start it again after <paramref name="Delay"/>; <paramref name="Attempt"/> counts crashes in the window.</summary>
    public sealed record Restart(TimeSpan Delay, int Attempt) : ExitVerdict;

    /// <summary>Too many crashes in the window: put it into maintenance.</summary>
    public sealed record Maintenance(string Reason) : ExitVerdict;
}

/// <summary>
/// Restart with exponential backoff (<see cref="InitialBackoff"/> doubling up to <see cref="MaxBackoff"/>); <see cref="MaxCrashes"/>
/// unrequested exits within <see cref="Window"/> put the instance into maintenance, as SMF does with a restarting service.
/// </summary>
public sealed record RestartPolicy(TimeSpan InitialBackoff, TimeSpan MaxBackoff, int MaxCrashes, TimeSpan Window)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30), 5, TimeSpan.FromSeconds(60));

    public static IReadOnlyList<string> Modes { get; } = ["no", "on-failure", "always"];

    public static RestartMode ParseMode(string? text) => text switch
    {
        null or "no" => RestartMode.No,
        "on-failure" => RestartMode.OnFailure,
        "always" => RestartMode.Always,
        _ => throw new ArgumentException($"\"{text}\" is not a restart mode ({string.Join(", ", Modes)})", nameof(text)),
    };

    /// <summary>Whether an exit with this status calls for a restart (an unknown status counts as a failure).</summary>
    public static bool WantsRestart(RestartMode mode, int? exitStatus) =>
        mode == RestartMode.Always || (mode == RestartMode.OnFailure && exitStatus != 0);

    /// <summary>The delay before restart attempt <paramref name="attempt"/> (1 = the first).</summary>
    public TimeSpan Backoff(int attempt)
    {
        double ms = InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Max(0, attempt - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxBackoff.TotalMilliseconds));
    }

    /// <summary>The crashes of <paramref name="crashes"/> (times, any order) that are within the window before <paramref name="now"/>.</summary>
    public int CrashesInWindow(IEnumerable<DateTimeOffset> crashes, DateTimeOffset now) =>
        crashes.Count(t => t > now - Window && t <= now);

    /// <summary>
    /// Decides after an unrequested exit at <paramref name="now"/>; <paramref name="crashes"/> are the earlier ones and this one.
    /// </summary>
    public ExitVerdict Decide(RestartMode mode, int? exitStatus, IEnumerable<DateTimeOffset> crashes, DateTimeOffset now)
    {
        if (!WantsRestart(mode, exitStatus))
        {
            return new ExitVerdict.Stay();
        }

        int recent = CrashesInWindow(crashes, now);
        if (recent >= MaxCrashes)
        {
            return new ExitVerdict.Maintenance(
                $"restarting too quickly: init exited {recent} times within {Window.TotalSeconds:0} s, last with {DescribeExit(exitStatus)}");
        }

        return new ExitVerdict.Restart(Backoff(recent), recent);
    }

    /// <summary>"status 3", "signal 9 (status 137)", "an unknown status".</summary>
    public static string DescribeExit(int? status) => status switch
    {
        null => "an unknown status",
        > 128 and < 160 => $"status {status} (signal {status - 128})",
        _ => $"status {status}",
    };
}
