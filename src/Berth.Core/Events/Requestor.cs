namespace Berth.Core.Events;

/// <summary>Who asked for the change under way: set per API request, absent for what berthd does by itself.</summary>
public static class Requestor
{
    /// <summary>The requestor of changes berthd makes itself (autoboot, restarts, noticed exits).</summary>
    public const string Daemon = "berthd";

    private static readonly AsyncLocal<string?> s_current = new();

    public static string? Current => s_current.Value;

    /// <summary>Sets the requestor for the rest of this async flow; dispose to restore the one before.</summary>
    public static IDisposable Use(string? requestor)
    {
        string? before = s_current.Value;
        s_current.Value = requestor;
        return new Restore(before);
    }

    private sealed class Restore(string? before) : IDisposable
    {
        public void Dispose() => s_current.Value = before;
    }
}
