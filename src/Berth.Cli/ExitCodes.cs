using Berth.Client;

namespace Berth.Cli;

/// <summary>berth's exit codes, as vmadm's: 0 ok, 1 failed, 2 usage.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public static int Of(Exception e) => e is UsageException ? Usage : Failed;

    /// <summary>What to print on stderr for a failure: "berth: message", then each offending property indented.</summary>
    public static IReadOnlyList<string> Describe(Exception e)
    {
        var lines = new List<string> { $"berth: {e.Message}" };
        if (e is BerthApiException api)
        {
            foreach (var error in api.Errors)
            {
                string text = string.IsNullOrEmpty(error.Property) ? error.Message : $"{error.Property}: {error.Message}";
                // The daemon puts a lone error in the detail too: say it once.
                if (text != e.Message)
                {
                    lines.Add("  " + text);
                }
            }
        }

        return lines;
    }
}
