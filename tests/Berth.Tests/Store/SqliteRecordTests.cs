using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Berth.Tests.Store;

using Network = Berth.Api.Contracts.Network;

/// <summary>Every record kind goes in and comes out with every field, stored as snake_case JSON.</summary>
public sealed class SqliteRecordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static Manifest FullManifest(string uuid, string? alias) => new()
    {
        Uuid = uuid,
        Alias = alias,
        Hostname = "web1",
        Brand = "lx",
        ImageUuid = "7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e",
        Autoboot = true,
        MaxPhysicalMemory = 512,
        MaxSwap = 1024,
        CpuCap = 150,
        CpuShares = 200,
        MaxLwps = 2000,
        Quota = 10,
        Resolvers = ["10.0.0.1", "10.0.0.2"],
        Tags = new() { ["tier"] = Element("\"gold\""), ["n"] = Element("3") },
        CustomerMetadata = new() { ["user-script"] = "#!/bin/sh\necho hi" },
        InternalMetadata = new() { ["k"] = "v" },
        Zpool = "default",
        Nics = [new Nic { Interface = "net0", NicTag = "admin", Ip = "10.77.0.5", Netmask = "255.255.255.0", Ips = ["10.77.0.5/24"], Gateway = "10.77.0.1", Mac = "02:08:20:aa:bb:cc", Primary = true }],
        State = "running",
        Pid = 4242,
        CreateTimestamp = new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        LastModified = new DateTimeOffset(2025, 2, 3, 4, 5, 6, TimeSpan.FromHours(1)),
        ExitStatus = 3,
    };

    [Fact]
    public async Task InstancesRoundTripEveryFieldAndUpdateAndDelete()
    {
        using TempStore t = await TempStore.OpenAsync();
        string uuid = Guid.NewGuid().ToString();
        Manifest m = FullManifest(uuid, "web");
        await t.Store.InsertInstanceAsync(m, Ct);

        Assert.Equal(Json(m), Json((await t.Store.GetInstanceAsync(uuid, Ct))!));
        Assert.Equal(Json(m), Json(Assert.Single(await t.Store.ListInstancesAsync(Ct))));
        string raw = (string)(await RawAsync(t.DbPath, "SELECT manifest FROM instances"))!;
        Assert.Contains("\"max_physical_memory\"", raw);
        Assert.Contains("\"customer_metadata\"", raw);
        Assert.Contains("\"nic_tag\"", raw);
        Assert.Equal("running", await RawAsync(t.DbPath, "SELECT state FROM instances"));

        Manifest changed = m with { Alias = "web2", State = "stopped", Pid = null, MaxPhysicalMemory = 1024 };
        await t.Store.UpdateInstanceAsync(changed, Ct);
        Manifest got = (await t.Store.GetInstanceAsync(uuid, Ct))!;
        Assert.Equal(Json(changed), Json(got));
        Assert.Null(got.Pid);
        Assert.Equal("web2", await RawAsync(t.DbPath, "SELECT alias FROM instances"));
        Assert.Equal("stopped", await RawAsync(t.DbPath, "SELECT state FROM instances"));

        await t.Store.DeleteInstanceAsync(uuid, Ct);
        Assert.Null(await t.Store.GetInstanceAsync(uuid, Ct));
        Assert.Empty(await t.Store.ListInstancesAsync(Ct));
    }

    [Fact]
    public async Task InstancesListInInsertOrderAndManyMayHaveNoAlias()
    {
        using TempStore t = await TempStore.OpenAsync();
        string[] uuids = [Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString()];
        foreach (string u in uuids)
        {
            await t.Store.InsertInstanceAsync(new Manifest { Uuid = u, Brand = "lx" }, Ct);
        }

        Assert.Equal(uuids, (await t.Store.ListInstancesAsync(Ct)).Select(m => m.Uuid));
        Assert.Equal("provisioning", await RawAsync(t.DbPath, "SELECT state FROM instances LIMIT 1"));
    }

    [Fact]
    public async Task ASecondInstanceWithTheSameAliasIsAlreadyExists()
    {
        using TempStore t = await TempStore.OpenAsync();
        await t.Store.InsertInstanceAsync(FullManifest(Guid.NewGuid().ToString(), "db"), Ct);
        string other = Guid.NewGuid().ToString();
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => t.Store.InsertInstanceAsync(FullManifest(other, "db"), Ct));
        Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
        Assert.Contains("db", e.Message);
        Assert.Null(await t.Store.GetInstanceAsync(other, Ct));
        Assert.Single(await t.Store.ListInstancesAsync(Ct));
    }

    [Fact]
    public async Task RenamingOntoATakenAliasIsAlreadyExists()
    {
        using TempStore t = await TempStore.OpenAsync();
        Manifest a = FullManifest(Guid.NewGuid().ToString(), "a");
        await t.Store.InsertInstanceAsync(a, Ct);
        await t.Store.InsertInstanceAsync(FullManifest(Guid.NewGuid().ToString(), "b"), Ct);
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => t.Store.UpdateInstanceAsync(a with { Alias = "b" }, Ct));
        Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
        Assert.Equal("a", (await t.Store.GetInstanceAsync(a.Uuid!, Ct))!.Alias);
    }

    [Fact]
    public async Task ASecondInstanceWithTheSameUuidIsAlreadyExists()
    {
        using TempStore t = await TempStore.OpenAsync();
        string uuid = Guid.NewGuid().ToString();
        await t.Store.InsertInstanceAsync(FullManifest(uuid, "one"), Ct);
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => t.Store.InsertInstanceAsync(FullManifest(uuid, "two"), Ct));
        Assert.Equal(ErrorKind.AlreadyExists, e.Kind);
        Assert.Contains(uuid, e.Message);
        Assert.Equal("one", Assert.Single(await t.Store.ListInstancesAsync(Ct)).Alias);
    }

    [Fact]
    public async Task ImagesRoundTripEveryFieldAndDelete()
    {
        using TempStore t = await TempStore.OpenAsync();
        var image = new ImageManifest
        {
            V = 2,
            Uuid = Guid.NewGuid().ToString(),
            Owner = "00000000-0000-0000-0000-000000000000",
            Name = "tiny",
            Version = "1.2.3",
            Type = "lx-dataset",
            Os = "linux",
            Description = "a tiny image",
            PublishedAt = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero),
            Files = [new ImageFile { Sha256 = new string('a', 64), Size = 12345, Compression = "gzip" }],
            BerthStopSignal = "SIGUSR2",
            BerthInit = "/sbin/init",
            State = "active",
        };
        await t.Store.InsertImageAsync(image, Ct);

        Assert.Equal(Json(image), Json((await t.Store.GetImageAsync(image.Uuid!, Ct))!));
        Assert.Equal(Json(image), Json(Assert.Single(await t.Store.ListImagesAsync(Ct))));
        string raw = (string)(await RawAsync(t.DbPath, "SELECT manifest FROM images"))!;
        Assert.Contains("\"published_at\"", raw);
        Assert.Contains("\"berth_stop_signal\"", raw);

        BerthException dup = await Assert.ThrowsAsync<BerthException>(() => t.Store.InsertImageAsync(image with { Name = "other" }, Ct));
        Assert.Equal(ErrorKind.AlreadyExists, dup.Kind);

        await t.Store.DeleteImageAsync(image.Uuid!, Ct);
        Assert.Null(await t.Store.GetImageAsync(image.Uuid!, Ct));
        Assert.Empty(await t.Store.ListImagesAsync(Ct));
    }

    [Fact]
    public async Task PoolsRoundTripEveryFieldAndDelete()
    {
        using TempStore t = await TempStore.OpenAsync();
        var a = new PoolSpec("default", "btrfs", null, "/var/lib/berth/pool.img", 20L << 30, "/var/lib/berth/pools/default");
        var b = new PoolSpec("fast", "dir", "/dev/nvme0n1", null, null, "/srv/fast");
        await t.Store.InsertPoolAsync(a, Ct);
        await t.Store.InsertPoolAsync(b, Ct);

        Assert.Equal([a, b], await t.Store.ListPoolsAsync(Ct));
        string raw = (string)(await RawAsync(t.DbPath, "SELECT spec FROM pools WHERE name = 'default'"))!;
        Assert.Contains("\"size_bytes\"", raw);
        Assert.Contains("\"mountpoint\"", raw);
        Assert.Equal(ErrorKind.AlreadyExists, (await Assert.ThrowsAsync<BerthException>(() => t.Store.InsertPoolAsync(a, Ct))).Kind);

        await t.Store.DeletePoolAsync("default", Ct);
        Assert.Equal([b], await t.Store.ListPoolsAsync(Ct));
    }

    [Fact]
    public async Task NetworksRoundTripEveryFieldAndDelete()
    {
        using TempStore t = await TempStore.OpenAsync();
        var n = new Network
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = "admin",
            NicTag = "admin",
            Bridge = "berth0",
            Subnet = "10.77.0.0/24",
            Gateway = "10.77.0.1",
            VlanId = 12,
            Resolvers = ["1.1.1.1", "9.9.9.9"],
            Mtu = 9000,
        };
        await t.Store.InsertNetworkAsync(n, Ct);

        Assert.Equal(Json(n), Json(Assert.Single(await t.Store.ListNetworksAsync(Ct))));
        string raw = (string)(await RawAsync(t.DbPath, "SELECT network FROM networks"))!;
        Assert.Contains("\"nic_tag\"", raw);
        Assert.Contains("\"vlan_id\"", raw);
        BerthException dup = await Assert.ThrowsAsync<BerthException>(() => t.Store.InsertNetworkAsync(n with { Uuid = Guid.NewGuid().ToString() }, Ct));
        Assert.Equal(ErrorKind.AlreadyExists, dup.Kind);
        Assert.Contains("admin", dup.Message);

        await t.Store.DeleteNetworkAsync(n.Uuid!, Ct);
        Assert.Empty(await t.Store.ListNetworksAsync(Ct));
    }

    [Fact]
    public async Task SettingsAreSetReplacedAndMissingIsNull()
    {
        using TempStore t = await TempStore.OpenAsync();
        Assert.Null(await t.Store.GetSettingAsync("boot_id", Ct));
        await t.Store.SetSettingAsync("boot_id", "one", Ct);
        Assert.Equal("one", await t.Store.GetSettingAsync("boot_id", Ct));
        await t.Store.SetSettingAsync("boot_id", "two", Ct);
        Assert.Equal("two", await t.Store.GetSettingAsync("boot_id", Ct));
        await t.Store.SetSettingAsync("other", "x'; DROP TABLE settings; --", Ct);
        Assert.Equal("x'; DROP TABLE settings; --", await t.Store.GetSettingAsync("other", Ct));
        Assert.Equal("two", await t.Store.GetSettingAsync("boot_id", Ct));
    }

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static string Json(Manifest m) => JsonSerializer.Serialize(m, BerthJson.Default.Manifest);

    private static string Json(ImageManifest m) => JsonSerializer.Serialize(m, BerthJson.Default.ImageManifest);

    private static string Json(Network n) => JsonSerializer.Serialize(n, BerthJson.Default.Network);

    internal static async Task<object?> RawAsync(string db, string sql)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await c.OpenAsync(Ct);
        await using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(Ct);
    }
}
