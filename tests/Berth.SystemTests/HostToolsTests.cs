namespace Berth.SystemTests;

public sealed class HostToolsTests
{
    [Fact]
    public void CrunIsInstalled()
    {
        RootOnly.Require();
        Assert.True(File.Exists("/usr/bin/crun"), "crun is installed by scripts/install-deps.sh");
    }
}
