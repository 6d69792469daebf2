using Berth.Core.Host;

namespace Berth.SystemTests;

/// <summary>Runs host tools for test setup and cleanup; output as text, failures tolerated.</summary>
internal static class Sh
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        CommandResult result = await CommandRunner.Default.RunAsync(file, args);
        return result.Stdout;
    }

    public static async Task<string> RunCheckedAsync(string file, params string[] args)
    {
        CommandResult result = await CommandRunner.Default.RunCheckedAsync(file, args);
        return result.Stdout;
    }

    public static async Task DetachLoopsAsync(string file)
    {
        string loops = await RunAsync("losetup", "-n", "-O", "NAME", "-j", file);
        foreach (string loop in loops.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await RunAsync("losetup", "-d", loop);
        }
    }
}
