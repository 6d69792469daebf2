using System.Security.Cryptography;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Images;

/// <summary>berth image install as imgadm's: a manifest plus a rootfs tarball, checked, and never half-installed.</summary>
public sealed class ImageInstallTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task AnInstalledImageRunsAnInstanceAndIsDeletedOnceUnused()
    {
        RootOnly.Require();
        string file = await TarballAsync();
        string uuid = Guid.NewGuid().ToString();
        string older = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        try
        {
            await Install(Manifest(older, sha, size, "0.9.0") with { PublishedAt = DateTimeOffset.UtcNow.AddDays(-1) }, file);
            ImageManifest installed = await Install(Manifest(uuid, sha, size), file);
            Assert.Equal(uuid, installed.Uuid);
            Assert.Equal("active", installed.State);
            Assert.Equal(size, installed.Files![0].Size);
            Assert.Equal(sha, installed.Files[0].Sha256);
            Assert.True(File.Exists(Path.Combine(DatasetDir(uuid), "bin", "busybox")), "the tarball is unpacked into the image's dataset");

            Assert.Equal(uuid, (await Berthd.Client.GetImageAsync("tiny")).Uuid);
            Assert.Equal(uuid, (await Berthd.Client.GetImageAsync("tiny@1.0.0")).Uuid);
            Assert.Equal(older, (await Berthd.Client.GetImageAsync("tiny@0.9.0")).Uuid);
            Assert.Equal(404, (await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetImageAsync("tiny@7.7.7"))).Status);

            Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("tiny-user", 41).Replace(Berthd.BusyboxUuid, uuid));
            try
            {
                Assert.Equal(uuid, vm.ImageUuid);
                Assert.Equal("running", vm.State);
                ExecResult hello = await Berthd.Client.ExecAsync("tiny-user", new ExecRequest { Argv = ["sh", "-c", "echo hello from $(cat /proc/1/comm)"] });
                Assert.Equal(0, hello.ExitCode);
                Assert.Equal("hello from init", hello.Stdout.Trim());

                BerthApiException inUse = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.DeleteImageAsync(uuid));
                Assert.Equal(409, inUse.Status);
                Assert.Contains("tiny-user", inUse.Problem.Detail);
                Assert.True(Directory.Exists(DatasetDir(uuid)), "a refused delete keeps the dataset");
                Assert.Equal(uuid, (await Berthd.Client.GetImageAsync(uuid)).Uuid);
            }
            finally
            {
                await Berthd.Client.DeleteVmAsync(vm.Uuid!);
            }

            await Berthd.Client.DeleteImageAsync(uuid);
            Assert.False(Directory.Exists(DatasetDir(uuid)), "the image's dataset is gone");
            Assert.Equal(404, (await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetImageAsync(uuid))).Status);
            Assert.Equal(older, (await Berthd.Client.GetImageAsync("tiny")).Uuid);
        }
        finally
        {
            await DeleteQuietlyAsync(uuid, older);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AWrongSha256IsRefusedAndLeavesNothing()
    {
        RootOnly.Require();
        string file = await TarballAsync();
        string uuid = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        string wrong = (sha[0] == '0' ? "1" : "0") + sha[1..];
        try
        {
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid, wrong, size), file));
            Assert.Equal(400, e.Status);
            PropertyError error = Assert.Single(e.Errors);
            Assert.Equal("files[0].sha256", error.Property);
            Assert.Contains(sha, error.Message);
            await AssertNothingLeftAsync(uuid);
        }
        finally
        {
            await DeleteQuietlyAsync(uuid);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AWrongSizeIsRefusedAndLeavesNothing()
    {
        RootOnly.Require();
        string file = await TarballAsync();
        string uuid = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        try
        {
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid, sha, size + 1), file));
            Assert.Equal(400, e.Status);
            Assert.Equal("files[0].size", Assert.Single(e.Errors).Property);
            await AssertNothingLeftAsync(uuid);
        }
        finally
        {
            await DeleteQuietlyAsync(uuid);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ACorruptTarballWithAMatchingChecksumIsRefusedAndLeavesNothing()
    {
        RootOnly.Require();
        string file = Path.Combine(Berthd.Host.StateDir, $"corrupt-{Guid.NewGuid():N}.tar");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(64 * 1024));
        string uuid = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        try
        {
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid, sha, size), file));
            Assert.Equal(400, e.Status);
            Assert.Contains(uuid, e.Problem.Detail);
            await AssertNothingLeftAsync(uuid);
        }
        finally
        {
            await DeleteQuietlyAsync(uuid);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AMissingFileIsRefusedNamingIt()
    {
        RootOnly.Require();
        string uuid = Guid.NewGuid().ToString();
        string file = Path.Combine(Berthd.Host.StateDir, "no-such.tar");
        BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid, new string('a', 64), 1), file));
        Assert.Equal(400, e.Status);
        Assert.Equal("file", Assert.Single(e.Errors).Property);
        await AssertNothingLeftAsync(uuid);
    }

    [Fact]
    public async Task InstallingTheSameUuidTwiceIsAConflictAndKeepsTheFirst()
    {
        RootOnly.Require();
        string file = await TarballAsync();
        string uuid = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        try
        {
            await Install(Manifest(uuid, sha, size, name: "twice"), file);
            BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid, sha, size, "2.0.0", "twice-again"), file));
            Assert.Equal(409, e.Status);
            Assert.Contains(uuid, e.Problem.Detail);

            ImageManifest kept = await Berthd.Client.GetImageAsync(uuid);
            Assert.Equal("twice", kept.Name);
            Assert.Equal("1.0.0", kept.Version);
            Assert.True(File.Exists(Path.Combine(DatasetDir(uuid), "bin", "busybox")), "the first install's dataset is untouched");

            // The same uuid in capitals is the same image (instance manifests lowercase image_uuid).
            BerthApiException upper = await Assert.ThrowsAsync<BerthApiException>(() => Install(Manifest(uuid.ToUpperInvariant(), sha, size, "3.0.0", "twice-upper"), file));
            Assert.Equal(409, upper.Status);
            Assert.DoesNotContain(await Berthd.Client.ListImagesAsync(), i => i.Name == "twice-upper");
        }
        finally
        {
            await DeleteQuietlyAsync(uuid);
            File.Delete(file);
        }
    }

    [Fact]
    public async Task TwoInstallsOfOneUuidAtOnceLeaveOneWholeImage()
    {
        RootOnly.Require();
        string file = await TarballAsync();
        string uuid = Guid.NewGuid().ToString();
        (string sha, long size) = await ChecksumAsync(file);
        try
        {
            Task<ImageManifest>[] installs = [.. Enumerable.Range(0, 3).Select(i => Task.Run(() => Install(Manifest(uuid, sha, size, $"{i + 1}.0.0", "racer"), file)))];
            try
            {
                await Task.WhenAll(installs);
            }
            catch (BerthApiException)
            {
            }

            Assert.Equal(1, installs.Count(t => t.IsCompletedSuccessfully));
            Assert.All(installs.Where(t => !t.IsCompletedSuccessfully), t => Assert.Equal(409, Assert.IsType<BerthApiException>(t.Exception!.InnerException).Status));
            Assert.Equal(uuid, (await Berthd.Client.GetImageAsync(uuid)).Uuid);
            Assert.True(File.Exists(Path.Combine(DatasetDir(uuid), "bin", "busybox")), "the winner's dataset is whole");
            Assert.True(File.Exists(Path.Combine(DatasetDir(uuid), "etc", "inittab")), "the winner's dataset is whole");
        }
        finally
        {
            await DeleteQuietlyAsync(uuid);
            File.Delete(file);
        }
    }

    private static ImageManifest Manifest(string uuid, string sha, long size, string version = "1.0.0", string name = "tiny") => new()
    {
        Uuid = uuid,
        Name = name,
        Version = version,
        Type = "lx-dataset",
        Os = "linux",
        Files = [new ImageFile { Sha256 = sha, Size = size, Compression = "none" }],
        BerthStopSignal = "SIGUSR2",
    };

    private Task<ImageManifest> Install(ImageManifest manifest, string file) =>
        Berthd.Client.InstallImageAsync(new ImageInstallRequest { Manifest = manifest, File = file });

    private string DatasetDir(string uuid) => Path.Combine(Berthd.Host.StateDir, "pools", "default", "images", uuid);

    /// <summary>A small rootfs tarball: the dataset of the busybox image the daemon built, tarred.</summary>
    private async Task<string> TarballAsync()
    {
        string file = Path.Combine(Berthd.Host.StateDir, $"tiny-{Guid.NewGuid():N}.tar");
        await Sh.RunCheckedAsync("tar", "-c", "-f", file, "--numeric-owner", "-C", DatasetDir(Berthd.BusyboxUuid), ".");
        return file;
    }

    private static async Task<(string Sha, long Size)> ChecksumAsync(string file)
    {
        await using FileStream stream = File.OpenRead(file);
        return (Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)), stream.Length);
    }

    private async Task AssertNothingLeftAsync(string uuid)
    {
        Assert.DoesNotContain(await Berthd.Client.ListImagesAsync(), i => i.Uuid == uuid);
        Assert.Equal(404, (await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetImageAsync(uuid))).Status);
        Assert.False(Directory.Exists(DatasetDir(uuid)), $"no dataset is left at {DatasetDir(uuid)}");
    }

    private async Task DeleteQuietlyAsync(params string[] uuids)
    {
        foreach (string uuid in uuids)
        {
            try
            {
                await Berthd.Client.DeleteImageAsync(uuid);
            }
            catch (BerthApiException e) when (e.Status == 404)
            {
            }
        }
    }
}
