using Berth.Core.Host;

namespace Berth.SystemTests.Metadata;

/// <summary>Builds the static guest tools once per test run, as scripts/install-berth.sh does at install.</summary>
internal static class MdataToolsBuild
{
    private static readonly Lazy<Task<string?>> s_tools = new(() => BuildAsync("mdata-tools", null));
    private static readonly Lazy<Task<string?>> s_raw = new(() => BuildAsync("mdata-test", "mdata-raw.c"));

    /// <summary>The directory berthd mounts into instances (mdata-get...), or null where gcc cannot build static binaries.</summary>
    public static string? ToolsDir => s_tools.Value.GetAwaiter().GetResult();

    /// <summary>The test-only raw socket tool (tests/Berth.SystemTests/Metadata/mdata-raw.c), built static.</summary>
    public static async Task<string> RawToolAsync() =>
        Path.Combine(await s_raw.Value ?? throw new InvalidOperationException("gcc could not build mdata-raw"), "mdata-raw");

    private static async Task<string?> BuildAsync(string dirName, string? testSource)
    {
        if (!File.Exists("/usr/bin/gcc") || Environment.UserName != "root")
        {
            return null;
        }

        string dir = Path.Combine(AppContext.BaseDirectory, dirName);
        Directory.CreateDirectory(dir);
        CommandResult result = testSource is null
            ? await CommandRunner.Default.RunAsync("sh", [Path.Combine(AppContext.BaseDirectory, "native", "mdata", "build.sh"), dir])
            : await CommandRunner.Default.RunAsync("gcc", ["-static", "-Os", "-Wall", "-o", Path.Combine(dir, "mdata-raw"),
                Path.Combine(AppContext.BaseDirectory, "Metadata", testSource)]);
        return result.Succeeded ? dir : throw new InvalidOperationException($"building {dirName} failed: {result.Stderr}");
    }
}
