using System.Security.Cryptography;
using Berth.Api.Contracts;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Cli;

/// <summary>Exit codes, and the JSON of images, pools, networks and sysinfo.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task FailuresExit1WithBerthPrefixAndUsageErrorsExit2()
    {
        RootOnly.Require();
        CliResult unknown = await Cli.RunAsync("vm", "get", "cli-no-such-instance");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.StartsWith("berth: ", unknown.Stderr);
        Assert.Contains("cli-no-such-instance", unknown.Stderr);
        Assert.Equal("", unknown.Stdout);
        Assert.Equal(1, (await Cli.RunAsync("vm", "delete", "00000000")).ExitCode);
        CliResult again = await Cli.RunAsync("image", "build", "busybox");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already installed", again.Stderr);

        var unreachable = await Cli.RunAsync("--socket", Path.Combine(Berthd.Host.RunDir, "no-such.sock"), "vm", "list");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.StartsWith("berth: ", unreachable.Stderr);

        foreach (string[] usage in new[]
                 {
                     new[] { "vm", "list", "--bogus" },
                     ["vm"],
                     ["vm", "frobnicate"],
                     ["vm", "update", "cli-anything"],
                     ["vm", "update", "cli-anything", "not-an-assignment"],
                     ["vm", "update", "cli-anything", "-f", "x.json", "alias=x"],
                     ["vm", "stop", "cli-anything", "-t", "-1"],
                     ["vm", "list", "not-a-filter"],
                     ["vm", "exec", "cli-anything"],
                     ["pool", "create", "x", "--size", "lots"],
                 })
        {
            CliResult r = await Cli.RunAsync(usage);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.StartsWith("berth: ", r.Stderr);
        }
    }

    [Fact]
    public async Task ImagesPrintAsTablesAndJson()
    {
        RootOnly.Require();
        CliResult table = (await Cli.RunAsync("image", "list")).Ok();
        Assert.Matches(@"^UUID\s+NAME\s+VERSION\s+TYPE\s+OS\s+STATE$", table.Lines[0]);
        Assert.Contains(table.Lines, l => l.StartsWith(Berthd.BusyboxUuid + "  busybox", StringComparison.Ordinal));

        List<ImageManifest> images = (await Cli.RunAsync("image", "list", "-j")).Json(BerthJson.Default.ListImageManifest);
        Assert.Contains(images, i => i.Uuid == Berthd.BusyboxUuid);
        ImageManifest busybox = (await Cli.RunAsync("image", "get", "busybox", "-j")).Json(BerthJson.Default.ImageManifest);
        Assert.Equal((Berthd.BusyboxUuid, "busybox", "lx-dataset", "linux"), (busybox.Uuid, busybox.Name, busybox.Type, busybox.Os));
        Assert.Equal(("SIGUSR2", "/sbin/init"), (busybox.BerthStopSignal, busybox.BerthInit));
        Assert.Equal(Berthd.BusyboxUuid, (await Cli.RunAsync("image", "get", Berthd.BusyboxUuid)).Json(BerthJson.Default.ImageManifest).Uuid);

        // imgadm install: a tarball and its manifest, the checksum verified.
        string dir = Path.Combine(Berthd.Host.StateDir, "cli-image");
        Directory.CreateDirectory(Path.Combine(dir, "root", "etc"));
        await File.WriteAllTextAsync(Path.Combine(dir, "root", "etc", "motd"), "cli image\n");
        string tar = Path.Combine(dir, "root.tar");
        await Sh.RunCheckedAsync("tar", "-c", "-f", tar, "-C", Path.Combine(dir, "root"), ".");
        string uuid = Guid.NewGuid().ToString();
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(tar)));
        await File.WriteAllTextAsync(Path.Combine(dir, "manifest.json"), $$"""
            { "v": 2, "uuid": "{{uuid}}", "name": "cli-tiny", "version": "1.0.0", "type": "lx-dataset", "os": "linux",
              "files": [{ "sha256": "{{sha256}}", "size": {{new FileInfo(tar).Length}}, "compression": "none" }] }
            """);
        try
        {
            ImageManifest installed = (await Cli.RunAsync("image", "install", "-m", Path.Combine(dir, "manifest.json"), "-f", tar, "-j"))
                .Json(BerthJson.Default.ImageManifest);
            Assert.Equal((uuid, "cli-tiny", sha256), (installed.Uuid, installed.Name, installed.Files![0].Sha256));
            (await Cli.RunAsync("image", "delete", "cli-tiny")).Ok();
            Assert.Equal(1, (await Cli.RunAsync("image", "get", uuid)).ExitCode);
        }
        finally
        {
            await Cli.RunAsync("image", "delete", uuid);
        }
    }

    [Fact]
    public async Task PoolsPrintSizesInBytesAndDatasets()
    {
        RootOnly.Require();
        CliResult table = (await Cli.RunAsync("pool", "list")).Ok();
        Assert.Matches(@"^NAME\s+DRIVER\s+SIZE\s+USED\s+AVAIL\s+DATASETS\s+QUOTA\s+SOURCE$", table.Lines[0]);

        Pool pool = Assert.Single((await Cli.RunAsync("pool", "list", "-j")).Json(BerthJson.Default.ListPool));
        Assert.Equal(("default", "btrfs"), (pool.Name, pool.Driver));
        Assert.InRange(pool.Size!.Value, 2L << 30, 3L << 30);
        Assert.InRange(pool.Used!.Value, 1, pool.Size.Value);
        Assert.InRange(pool.Available!.Value, 1L << 30, pool.Size.Value);
        Assert.InRange(pool.Datasets!.Value, 1, 1000);
        Assert.True(pool.CanEnforceQuota);
        Assert.Equal(pool.Size, (await Cli.RunAsync("pool", "get", "default", "-j")).Json(BerthJson.Default.Pool).Size);

        try
        {
            Pool dir = (await Cli.RunAsync("pool", "create", "cli-dir", "--driver", "dir", "-j")).Json(BerthJson.Default.Pool);
            Assert.Equal(("cli-dir", "dir", 0), (dir.Name, dir.Driver, dir.Datasets));
            Assert.Contains((await Cli.RunAsync("pool", "list", "-j")).Json(BerthJson.Default.ListPool), p => p.Name == "cli-dir");
            (await Cli.RunAsync("pool", "delete", "cli-dir")).Ok();
            Assert.Equal(1, (await Cli.RunAsync("pool", "get", "cli-dir")).ExitCode);
        }
        finally
        {
            await Cli.RunAsync("pool", "delete", "cli-dir");
        }
    }

    [Fact]
    public async Task NetworksAndSysinfoPrintJson()
    {
        RootOnly.Require();
        List<Berth.Api.Contracts.Network> networks = (await Cli.RunAsync("network", "list", "-j")).Json(BerthJson.Default.ListNetwork);
        Berth.Api.Contracts.Network admin = Assert.Single(networks, n => n.Name == "admin");
        Assert.Equal(("admin", Berthd.Subnet, Berthd.Gateway), (admin.NicTag, admin.Subnet, admin.Gateway));
        Assert.False(string.IsNullOrEmpty(admin.Bridge));
        Assert.Matches(@"^NAME\s+NIC_TAG\s+BRIDGE\s+SUBNET\s+GATEWAY\s+RANGE\s+VLAN\s+VXLAN\s+RESOLVERS$", (await Cli.RunAsync("network", "list")).Ok().Lines[0]);

        Berth.Api.Contracts.Network created = (await Cli.RunAsync("network", "create", "cli-net", "--nic-tag", "clitag", "--subnet", "10.78.0.0/24",
            "--gateway", "10.78.0.1", "--resolver", "10.78.0.1", "--range", "10.78.0.10-10.78.0.20", "-j")).Json(BerthJson.Default.Network);
        Assert.Equal(("10.78.0.10", "10.78.0.20", true), (created.ProvisionStartIp, created.ProvisionEndIp, created.BridgeCreated));
        Assert.Equal(("cli-net", "clitag", "10.78.0.0/24", "10.78.0.1"), (created.Name, created.NicTag, created.Subnet, created.Gateway));
        Assert.Equal(["10.78.0.1"], created.Resolvers!);
        Berth.Api.Contracts.Network got = (await Cli.RunAsync("network", "get", "cli-net", "-j")).Json(BerthJson.Default.Network);
        Assert.Equal((created.Uuid, 0, 11), (got.Uuid, got.UsedAddresses, got.TotalAddresses));
        await Cli.RunAsync("network", "delete", "cli-net");
        Assert.DoesNotContain((await Cli.RunAsync("network", "list", "-j")).Json(BerthJson.Default.ListNetwork), n => n.Name == "cli-net");

        Sysinfo info = (await Cli.RunAsync("sysinfo", "-j")).Json(BerthJson.Default.Sysinfo);
        Assert.Equal(Environment.ProcessorCount, info.Cpus);
        Assert.Contains("lx", info.Brands);
        Assert.Equal(Berthd.Host.StateDir, info.StateDir);
        Assert.InRange(info.MemoryMib, 64, 1L << 30);
        Assert.Equal((await File.ReadAllTextAsync("/proc/sys/kernel/random/boot_id")).Trim(), info.BootId);
        Assert.Contains((await Cli.RunAsync("sysinfo")).Ok().Lines, l => l.StartsWith("cpus ", StringComparison.Ordinal));
    }
}
