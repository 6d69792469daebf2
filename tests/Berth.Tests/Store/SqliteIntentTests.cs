using Berth.Api.Contracts;
using Berth.Core.Store;

namespace Berth.Tests.Store;

/// <summary>The intent journal: intents survive a reopen, and a commit ends one together with its record change.</summary>
public sealed class SqliteIntentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIntentSurvivesAReopenWithItsManifestAndDetail()
    {
        using TempStore t = await TempStore.OpenAsync();
        Manifest manifest = SqliteRecordTests.FullManifest(Guid.NewGuid().ToString(), "journaled");
        var detail = new IntentDetail { Snapshot = "base", SavedAs = "rollback-1", WasRunning = true };
        long id = await t.Store.BeginIntentAsync(manifest.Uuid!, IntentVerbs.Rollback, manifest, detail, Ct);

        using var again = new SqliteStateStore(t.DbPath);
        await again.InitializeAsync(Ct);
        Intent intent = Assert.Single(await again.ListIntentsAsync(Ct));
        Assert.Equal(id, intent.Id);
        Assert.Equal(manifest.Uuid, intent.Instance);
        Assert.Equal(IntentVerbs.Rollback, intent.Verb);
        Assert.Equal(detail, intent.Detail);
        Assert.Equal(manifest.Alias, intent.Manifest?.Alias);
        Assert.True(DateTimeOffset.UtcNow - intent.Started < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task IntentsListOldestFirstAndEndingTwiceIsNoError()
    {
        using TempStore t = await TempStore.OpenAsync();
        long first = await t.Store.BeginIntentAsync("a", IntentVerbs.Create, null, new IntentDetail(), Ct);
        long second = await t.Store.BeginIntentAsync("b", IntentVerbs.Delete, null, new IntentDetail(), Ct);
        Assert.Equal([first, second], (await t.Store.ListIntentsAsync(Ct)).Select(i => i.Id));

        await t.Store.EndIntentAsync(first, Ct);
        await t.Store.EndIntentAsync(first, Ct);
        Assert.Equal([second], (await t.Store.ListIntentsAsync(Ct)).Select(i => i.Id));
    }

    [Fact]
    public async Task TheCommitWritesTheRecordAndEndsTheIntentTogether()
    {
        using TempStore t = await TempStore.OpenAsync();
        Manifest manifest = new() { Uuid = Guid.NewGuid().ToString(), Alias = "c", Brand = "lx", State = "provisioning" };
        long id = await t.Store.BeginIntentAsync(manifest.Uuid!, IntentVerbs.Create, manifest, new IntentDetail(), Ct);
        await t.Store.InsertInstanceAsync(manifest, Ct);

        await t.Store.UpdateInstanceEndingIntentAsync(manifest with { State = "running" }, id, Ct);

        Assert.Empty(await t.Store.ListIntentsAsync(Ct));
        Assert.Equal("running", (await t.Store.GetInstanceAsync(manifest.Uuid!, Ct))?.State);
    }

    [Fact]
    public async Task AFailedCommitKeepsTheIntent()
    {
        using TempStore t = await TempStore.OpenAsync();
        await t.Store.InsertInstanceAsync(new Manifest { Uuid = Guid.NewGuid().ToString(), Alias = "taken", Brand = "lx" }, Ct);
        var manifest = new Manifest { Uuid = Guid.NewGuid().ToString(), Alias = "mine", Brand = "lx", State = "provisioning" };
        await t.Store.InsertInstanceAsync(manifest, Ct);
        long id = await t.Store.BeginIntentAsync(manifest.Uuid!, IntentVerbs.Create, manifest, new IntentDetail(), Ct);

        // The alias is taken: the record's write fails, so the intent must not end either.
        await Assert.ThrowsAsync<Berth.Core.BerthException>(() => t.Store.UpdateInstanceEndingIntentAsync(manifest with { Alias = "taken" }, id, Ct));

        Assert.Single(await t.Store.ListIntentsAsync(Ct));
        Assert.Equal("mine", (await t.Store.GetInstanceAsync(manifest.Uuid!, Ct))?.Alias);
    }

    [Fact]
    public async Task DeletingTheRecordEndsTheIntent()
    {
        using TempStore t = await TempStore.OpenAsync();
        var manifest = new Manifest { Uuid = Guid.NewGuid().ToString(), Alias = "d", Brand = "lx" };
        await t.Store.InsertInstanceAsync(manifest, Ct);
        long id = await t.Store.BeginIntentAsync(manifest.Uuid!, IntentVerbs.Delete, manifest, new IntentDetail(), Ct);

        await t.Store.DeleteInstanceEndingIntentAsync(manifest.Uuid!, id, Ct);

        Assert.Empty(await t.Store.ListIntentsAsync(Ct));
        Assert.Null(await t.Store.GetInstanceAsync(manifest.Uuid!, Ct));
    }
}
