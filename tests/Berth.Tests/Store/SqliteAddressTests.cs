using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Manifests;
using Berth.Core.Store;
using Microsoft.Data.Sqlite;

namespace Berth.Tests.Store;

/// <summary>IPAM in the store: claims are atomic and unique, idempotent for their holder, freed, and back-filled by the migration.</summary>
public sealed class SqliteAddressTests
{
    private const string Net = "11111111-1111-1111-1111-111111111111";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static uint A(string ip) => Ipv4.TryParse(ip, out uint a) ? a : 0;

    private static AddressClaim Any(string mac) => new(Net, "lab", mac, null, A("10.0.0.1"), A("10.0.0.4"), [A("10.0.0.1")], "nics[0].ip");

    [Fact]
    public async Task ParallelClaimsGetDistinctAddressesUntilTheRangeIsFull()
    {
        using TempStore t = await TempStore.OpenAsync();
        Task<IReadOnlyList<string>>[] claims = [.. Enumerable.Range(0, 4).Select(i => t.Store.ClaimAddressesAsync($"vm{i}", [Any($"02:00:00:00:00:0{i}")], Ct))];
        var results = new List<string>();
        int refused = 0;
        foreach (Task<IReadOnlyList<string>> c in claims)
        {
            try
            {
                results.AddRange(await c);
            }
            catch (BerthException e) when (e.Kind == ErrorKind.Conflict)
            {
                Assert.Contains("no free address", e.Message);
                refused++;
            }
        }

        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4"], results.Order());
        Assert.Equal(1, refused);
    }

    [Fact]
    public async Task AnExplicitClaimIsIdempotentForItsHolderAndAConflictForOthers()
    {
        using TempStore t = await TempStore.OpenAsync();
        AddressClaim fixedIp = Any("02:00:00:00:00:01") with { Ip = "10.0.0.3" };
        Assert.Equal(["10.0.0.3"], await t.Store.ClaimAddressesAsync("vm1", [fixedIp], Ct));
        Assert.Equal(["10.0.0.3"], await t.Store.ClaimAddressesAsync("vm1", [fixedIp], Ct));
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => t.Store.ClaimAddressesAsync("vm2", [fixedIp with { Mac = "02:00:00:00:00:02" }], Ct));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.Contains("vm1", e.Message);

        await t.Store.ReleaseAddressesAsync("vm1", null, Ct);
        Assert.Empty(await t.Store.ListAddressesAsync(Net, Ct));
    }

    [Fact]
    public async Task AFailedClaimHoldsNothing()
    {
        using TempStore t = await TempStore.OpenAsync();
        await t.Store.ClaimAddressesAsync("vm1", [Any("02:00:00:00:00:01") with { Ip = "10.0.0.3" }], Ct);
        await Assert.ThrowsAsync<BerthException>(() => t.Store.ClaimAddressesAsync("vm2",
            [Any("02:00:00:00:00:02"), Any("02:00:00:00:00:03") with { Ip = "10.0.0.3" }], Ct));
        Assert.Single(await t.Store.ListAddressesAsync(Net, Ct));
    }

    [Fact]
    public async Task OrphanAddressesAreFreed()
    {
        using TempStore t = await TempStore.OpenAsync();
        await t.Store.ClaimAddressesAsync("gone", [Any("02:00:00:00:00:01")], Ct);
        Assert.Equal(1, await t.Store.ReleaseOrphanAddressesAsync(Ct));
        Assert.Empty(await t.Store.ListAddressesAsync(Net, Ct));
    }

    [Fact]
    public async Task TheMigrationRecordsAddressesOfInstancesMadeBeforeIpam()
    {
        using var t = new TempStore();
        // A version-1 database: run only the first migration by hand.
        await using (var db = new SqliteConnection($"Data Source={t.DbPath}"))
        {
            await db.OpenAsync(Ct);
            await using SqliteCommand cmd = db.CreateCommand();
            cmd.CommandText = SchemaMigrations.All[0] + "PRAGMA user_version = 1;" +
                $"INSERT INTO networks VALUES ('{Net}', 'lab', '{{\"uuid\":\"{Net}\",\"name\":\"lab\",\"nic_tag\":\"lab\"}}');" +
                "INSERT INTO instances VALUES ('vm1', NULL, 'running', '{\"uuid\":\"vm1\",\"nics\":[{\"nic_tag\":\"lab\",\"ip\":\"10.0.0.7\",\"mac\":\"02:00:00:00:00:07\"}]}');";
            await cmd.ExecuteNonQueryAsync(Ct);
        }

        SqliteConnection.ClearAllPools();
        await t.Store.InitializeAsync(Ct);
        HeldAddress held = Assert.Single(await t.Store.ListAddressesAsync(Net, Ct));
        Assert.Equal(new HeldAddress("10.0.0.7", "vm1", "02:00:00:00:00:07"), held);
    }
}
