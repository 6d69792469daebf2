using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Events;
using Berth.Core.Supervision;

namespace Berth.Tests.Supervision;

public sealed class EventBusTests
{
    [Fact]
    public void BacklogIsBoundedAndKeepsTheNewest()
    {
        var bus = new EventBus(backlogSize: 3);
        for (int i = 0; i < 5; i++)
        {
            bus.Publish(EventTypes.Started, "u", "a", new Dictionary<string, object?> { ["n"] = i });
        }

        IReadOnlyList<InstanceEvent> kept = bus.Backlog();
        Assert.Equal([3L, 4L, 5L], kept.Select(e => e.Id));
        Assert.Equal([4L, 5L], bus.Backlog(since: 3).Select(e => e.Id));
        Assert.Equal(4, kept[^1].Details!["n"].GetInt32());
    }

    [Fact]
    public void SubscriberGetsBacklogAfterSinceThenNewEventsWithoutGaps()
    {
        var bus = new EventBus();
        bus.Publish(EventTypes.Created, "u", null);
        bus.Publish(EventTypes.Started, "u", null);
        using EventBus.Subscription sub = bus.Subscribe(since: 1);
        bus.Publish(EventTypes.Stopped, "u", null);

        var got = new List<string>();
        while (sub.Reader.TryRead(out InstanceEvent? e))
        {
            got.Add(e.Type);
        }

        Assert.Equal([EventTypes.Started, EventTypes.Stopped], got);
    }

    [Fact]
    public void RequestorComesFromTheFlowElseBerthd()
    {
        var bus = new EventBus();
        Assert.Equal(Requestor.Daemon, bus.Publish(EventTypes.Started, "u", null).Requestor);
        using (Requestor.Use("uid:0"))
        {
            Assert.Equal("uid:0", bus.Publish(EventTypes.Started, "u", null).Requestor);
            Assert.Equal(Requestor.Daemon, bus.Publish(EventTypes.Crashed, "u", null, requestor: Requestor.Daemon).Requestor);
        }
    }

    [Fact]
    public void CompactJsonIsOneLine()
    {
        InstanceEvent e = new EventBus().Publish(EventTypes.Crashed, "u", "web",
            new Dictionary<string, object?> { ["exit_status"] = 3, ["log_tail"] = new[] { "a", "b" } });
        string json = JsonSerializer.Serialize(e, EventJson.Compact.InstanceEvent);

        Assert.DoesNotContain('\n', json);
        Assert.Contains("\"exit_status\":3", json);
        Assert.Contains("\"log_tail\":[\"a\",\"b\"]", json);
        Assert.Equal("web", JsonSerializer.Deserialize(json, BerthJson.Default.InstanceEvent)!.Alias);
    }

    [Fact]
    public void ConsoleTailJoinsCriRecordsAndKeepsTheLastLines()
    {
        const string log = """
            2026-01-01T00:00:00.000000000+00:00 stdout F starting
            2026-01-01T00:00:00.100000000+00:00 stdout P config: 
            2026-01-01T00:00:00.200000000+00:00 stdout F missing /etc/app.conf
            2026-01-01T00:00:00.300000000+00:00 stdout F \u001b[1mfatal\u001b[0m: giving up
            """;
        IReadOnlyList<string> lines = ConsoleTail.Parse(log.Replace("\\u001b", "\u001b", StringComparison.Ordinal), lines: 2);

        Assert.Equal(["config: missing /etc/app.conf", "fatal: giving up"], lines);
    }

    [Theory]
    [InlineData("tcp 8080", true)]
    [InlineData("tcp 0", false)]
    [InlineData("tcp http", false)]
    [InlineData("test -f /tmp/ready", true)]
    [InlineData("  ", false)]
    public void HealthCheckParses(string text, bool ok) =>
        Assert.Equal(ok, HealthCheck.TryParse(text, out _, out _));
}
