using Berth.Core.Host;
using Berth.Core.Instances.Containers;

namespace Berth.SystemTests.Security;

/// <summary>The idmapped root mount lx instances use: files keep their IDs on disk and show shifted through the mount.</summary>
public sealed class IdmappedMountTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("berth-idmap-").FullName;

    [Fact]
    public async Task FilesShowShiftedThroughTheMountAndStayUnshiftedOnDisk()
    {
        RootOnly.Require();
        string source = Path.Combine(_dir, "src");
        Directory.CreateDirectory(source);
        string file = Path.Combine(source, "owned-by-7");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        await Sh.RunCheckedAsync("chown", "7:8", file);

        for (int i = 0; i < 20; i++)
        {
            IdRange range = IdRange.OfSlot(i);
            string target = Path.Combine(_dir, $"mnt{i}");
            await IdmappedMount.MountAsync(source, target, range, TestContext.Current.CancellationToken);
            try
            {
                string owner = (await Sh.RunCheckedAsync("stat", "-c", "%u:%g", Path.Combine(target, "owned-by-7"))).Trim();
                Assert.Equal($"{range.HostId + 7}:{range.HostId + 8}", owner);
            }
            finally
            {
                IdmappedMount.Unmount(target);
            }

            Assert.False(Directory.Exists(target));
        }

        Assert.Equal("7:8", (await Sh.RunCheckedAsync("stat", "-c", "%u:%g", file)).Trim());
    }

    public void Dispose()
    {
        foreach (string mount in Directory.GetDirectories(_dir, "mnt*"))
        {
            IdmappedMount.Unmount(mount);
        }

        Directory.Delete(_dir, recursive: true);
    }
}
