using Berth.Core.Images;

namespace Berth.Tests.Containers;

public sealed class BusyboxRootfsTests
{
    [Fact]
    public async Task BuildsABootableTree()
    {
        Assert.SkipWhen(!File.Exists(BusyboxRootfs.HostBusybox), "needs busybox-static");
        string dir = Path.Combine(Path.GetTempPath(), "berth-bb-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await BusyboxRootfs.BuildAsync(dir, TestContext.Current.CancellationToken);
            await BusyboxRootfs.BuildAsync(dir, TestContext.Current.CancellationToken); // rebuilding is harmless

            Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(dir, "sbin/init")).LinkTarget);
            Assert.Equal("/bin/busybox", new FileInfo(Path.Combine(dir, "bin/sh")).LinkTarget);
            Assert.True(new FileInfo(Path.Combine(dir, "bin/busybox")).Length > 100_000);
            Assert.Contains("::respawn:-/bin/sh", File.ReadAllText(Path.Combine(dir, "etc/inittab")));
            Assert.StartsWith("root:x:0:0:", File.ReadAllText(Path.Combine(dir, "etc/passwd")));
            if (OperatingSystem.IsLinux())
            {
                Assert.True(File.GetUnixFileMode(Path.Combine(dir, "etc/init.d/rcS")).HasFlag(UnixFileMode.UserExecute));
            }

            foreach (string d in new[] { "proc", "sys", "dev", "tmp", "run", "root" })
            {
                Assert.True(Directory.Exists(Path.Combine(dir, d)), d);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
