using Berth.Core;

namespace Berth.Tests;

public sealed class ReverterTests
{
    [Fact]
    public async Task RunsUndoStepsInReverseWhenNotSucceeded()
    {
        var order = new List<int>();
        await using (var reverter = new Reverter())
        {
            reverter.Add("one", () => { order.Add(1); return Task.CompletedTask; });
            reverter.Add("two", () => { order.Add(2); return Task.CompletedTask; });
        }

        Assert.Equal([2, 1], order);
    }

    [Fact]
    public async Task KeepsEverythingOnSuccess()
    {
        var order = new List<int>();
        await using (var reverter = new Reverter())
        {
            reverter.Add("one", () => { order.Add(1); return Task.CompletedTask; });
            reverter.Success();
        }

        Assert.Empty(order);
    }
}
