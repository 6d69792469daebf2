using Berth.Core.Manifests;

namespace Berth.Tests.Manifests;

public sealed class ManifestDocsTests
{
    // Regenerate with: BERTH_UPDATE_DOCS=1 dotnet test --project tests/Berth.Tests -- --filter-class Berth.Tests.Manifests.ManifestDocsTests
    [Fact]
    public void DocsManifestMdIsGeneratedFromTheTable()
    {
        string path = Path.Combine(RepoRoot(), "docs", "manifest.md");
        string expected = ManifestDocs.Render();
        if (Environment.GetEnvironmentVariable("BERTH_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        string actual = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(
            actual == expected,
            "docs/manifest.md is stale (the property table changed). Regenerate it with: "
            + "BERTH_UPDATE_DOCS=1 dotnet test --project tests/Berth.Tests -- --filter-class Berth.Tests.Manifests.ManifestDocsTests");
    }

    [Fact]
    public void DocsListEveryProperty()
    {
        string md = ManifestDocs.Render();

        foreach (PropertyDef def in PropertyTable.All)
        {
            Assert.Contains($"| `{def.Path}` |", md, StringComparison.Ordinal);
        }
    }

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Berth.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Berth.slnx above {AppContext.BaseDirectory}");
    }
}
