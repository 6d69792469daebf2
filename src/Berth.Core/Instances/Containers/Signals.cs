namespace Berth.Core.Instances.Containers;

/// <summary>Signal names as images and crun spell them.</summary>
public static class Signals
{
    private static readonly HashSet<string> s_names =
    [
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGPWR",
        "SIGRTMIN+3", "SIGRTMIN+4", "SIGRTMIN+13", "SIGRTMIN+14", "SIGRTMIN+15",
    ];

    public static bool IsKnown(string name) => s_names.Contains(name);
}
