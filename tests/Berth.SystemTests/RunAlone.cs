namespace Berth.SystemTests;

/// <summary>
/// Tests that measure berthd's own figures (fds, RSS) or boot a guest under TCG: they run after the others, alone,
/// so that the load of parallel tests neither skews their figures nor starves the emulated CPU.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "run alone";
}
