namespace Berth.Core.Host.Cgroups;

/// <summary>
/// Freezes and thaws every process of an instance's cgroup: v1 freezer.state (FROZEN/THAWED), v2 cgroup.freeze (1/0).
/// </summary>
/// <remarks>
/// Written directly rather than through <c>crun pause</c>/<c>resume</c>: no process start on either side of a
/// snapshot, crun's recorded status never says "paused" to a concurrent status read, and thawing does not depend
/// on crun succeeding.
/// </remarks>
public sealed class CgroupFreezer
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(1);
    private readonly string _dir;
    private readonly bool _v2;

    public CgroupFreezer(InstanceCgroup cgroup)
    {
        _v2 = cgroup.Mode == CgroupMode.V2;
        _dir = cgroup.ControllerDir("freezer")
            ?? throw new BerthException(ErrorKind.Unavailable, $"no freezer cgroup for \"/{cgroup.CgroupsPath}\": this host mounts no freezer controller");
    }

    /// <summary>The file written to freeze or thaw.</summary>
    public string ControlFile => Path.Combine(_dir, _v2 ? "cgroup.freeze" : "freezer.state");

    /// <summary>Freezes and waits until the kernel reports every task frozen; thaws again and throws when that takes longer than <paramref name="timeout"/>.</summary>
    public async Task FreezeAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        Write(_v2 ? "1" : "FROZEN", "freezing");
        try
        {
            DateTime deadline = DateTime.UtcNow + timeout;
            while (!IsFrozen())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new BerthException(ErrorKind.Unavailable,
                        $"Failed freezing cgroup \"{_dir}\": not frozen after {timeout.TotalSeconds:0.#} s (a process is busy in the kernel); try again");
                }

                await Task.Delay(s_pollInterval, ct).ConfigureAwait(false);
            }
        }
        catch
        {
            Thaw();
            throw;
        }
    }

    /// <summary>Lets the processes run again; safe to call when not frozen.</summary>
    public void Thaw() => Write(_v2 ? "0" : "THAWED", "thawing");

    /// <summary>Whether every task of the cgroup is frozen now (v1 FREEZING while on the way).</summary>
    public bool IsFrozen()
    {
        if (!_v2)
        {
            return Read("freezer.state") == "FROZEN";
        }

        // cgroup.events: "populated 1\nfrozen 1"
        return Read("cgroup.events").Split('\n').Any(l => l.Trim() == "frozen 1");
    }

    private void Write(string value, string what)
    {
        try
        {
            File.WriteAllText(ControlFile, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed {what} cgroup \"{_dir}\": {e.Message}", e);
        }
    }

    private string Read(string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(_dir, file)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed reading \"{Path.Combine(_dir, file)}\": {e.Message}", e);
        }
    }
}
