using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Store;

namespace Berth.Tests.Store;

/// <summary>Writers on several tasks (each call its own connection) are serialized by SQLite, never lost.</summary>
public sealed class SqliteConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentWritersDoNotLoseRows()
    {
        using TempStore t = await TempStore.OpenAsync();
        const int writers = 8;
        const int each = 40;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < each; i++)
            {
                await t.Store.InsertInstanceAsync(new Manifest { Uuid = Guid.NewGuid().ToString(), Alias = $"w{w}-{i}", Brand = "lx" }, Ct);
                await t.Store.SetSettingAsync($"w{w}", i.ToString(), Ct);
            }
        }, Ct)));

        IReadOnlyList<Manifest> all = await t.Store.ListInstancesAsync(Ct);
        Assert.Equal(writers * each, all.Count);
        Assert.Equal(writers * each, all.Select(m => m.Alias).Distinct().Count());
        for (int w = 0; w < writers; w++)
        {
            Assert.Equal((each - 1).ToString(), await t.Store.GetSettingAsync($"w{w}", Ct));
        }
    }

    [Fact]
    public async Task TwoStoresOnOneFileSeeEachOthersWritesAndRaceForAnAliasOnce()
    {
        using TempStore t = await TempStore.OpenAsync();
        using var second = new SqliteStateStore(t.DbPath);
        await second.InitializeAsync(Ct);

        // Both stores try to take the same 20 aliases at once: each alias is won exactly once.
        Task<int>[] racers = [.. new IStateStore[] { t.Store, second }.Select(s => Task.Run(async () =>
        {
            int won = 0;
            for (int i = 0; i < 20; i++)
            {
                try
                {
                    await s.InsertInstanceAsync(new Manifest { Uuid = Guid.NewGuid().ToString(), Alias = $"race{i}", Brand = "lx" }, Ct);
                    won++;
                }
                catch (BerthException e) when (e.Kind == ErrorKind.AlreadyExists)
                {
                }
            }

            return won;
        }, Ct))];
        int[] wins = await Task.WhenAll(racers);

        Assert.Equal(20, wins.Sum());
        Assert.Equal(20, (await second.ListInstancesAsync(Ct)).Count);
        Assert.Equal(20, (await t.Store.ListInstancesAsync(Ct)).Count);
    }
}
