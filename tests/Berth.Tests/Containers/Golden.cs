using System.Runtime.CompilerServices;

namespace Berth.Tests.Containers;

/// <summary>Compares generated text with a file under tests/Berth.Tests/Golden; BERTH_UPDATE_GOLDEN=1 rewrites it.</summary>
internal static class Golden
{
    public static void Verify(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        // The source tree's copy is the truth (the build copies it to the output for runs without sources).
        string sourceDir = Path.Combine(Path.GetDirectoryName(callerPath)!, "..", "Golden");
        string dir = Directory.Exists(sourceDir) ? sourceDir : Path.Combine(AppContext.BaseDirectory, "Golden");
        string path = Path.Combine(dir, name);
        if (Environment.GetEnvironmentVariable("BERTH_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run the tests with BERTH_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
