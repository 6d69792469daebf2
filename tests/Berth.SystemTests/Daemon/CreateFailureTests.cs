using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Instances;

namespace Berth.SystemTests.Daemon;

/// <summary>A failure at any step of a create leaves nothing behind: no dataset, veth, cgroup, bundle, mount or row.</summary>
public sealed class CreateFailureTests
{
    private sealed class FailAt(string step) : ICreateObserver
    {
        public string? Uuid { get; private set; }

        public Task BeforeStepAsync(string current, string uuid)
        {
            Uuid = uuid;
            return current == step ? throw new IOException($"injected failure before {step}") : Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData("record")]
    [InlineData("dataset")]
    [InlineData("quota")]
    [InlineData("container")]
    [InlineData("network")]
    [InlineData("start")]
    [InlineData("running")]
    public async Task FailureAtStepLeavesNothing(string step)
    {
        RootOnly.Require();
        var observer = new FailAt(step);
        await using Berthd berthd = await Berthd.StartInProcessAsync(observer);

        BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => berthd.CreateAsync(Berthd.Manifest("doomed", 51)));
        Assert.Contains($"injected failure before {step}", e.Problem.Detail);
        Assert.NotNull(observer.Uuid);
        Assert.Empty(await berthd.Client.ListVmsAsync());
        Assert.Empty(await Leftovers.OfAsync(berthd, observer.Uuid!));
        Assert.False(await berthd.Host.PingAsync("10.77.0.51"));
    }
}
