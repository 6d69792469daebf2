using System.Globalization;

namespace Berth.Core.Supervision;

/// <summary>A manifest's <c>health_check</c>: <c>tcp PORT</c> (berthd connects to the primary nic's address), or a shell command run inside.</summary>
public abstract record HealthCheck
{
    /// <summary>A TCP connect to the instance's primary address on <paramref name="Port"/> succeeds.</summary>
    public sealed record Tcp(int Port) : HealthCheck;

    /// <summary><c>/bin/sh -c COMMAND</c> inside the instance exits 0.</summary>
    public sealed record Command(string Text) : HealthCheck;

    /// <summary>Parses the property's text; the error says what is wrong in words.</summary>
    public static bool TryParse(string? text, out HealthCheck? check, out string? error)
    {
        check = null;
        error = null;
        string trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "is empty: give \"tcp PORT\" or a command to run inside the instance";
            return false;
        }

        string[] words = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] == "tcp")
        {
            if (words.Length != 2 || !int.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                error = $"\"{trimmed}\" is not \"tcp PORT\" with a port from 1 to 65535";
                return false;
            }

            check = new Tcp(port);
            return true;
        }

        check = new Command(trimmed);
        return true;
    }

    public static HealthCheck Parse(string text) =>
        TryParse(text, out HealthCheck? check, out string? error) ? check! : throw BerthException.Invalid("health_check", error!);
}
