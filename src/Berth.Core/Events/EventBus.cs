using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Berth.Api.Contracts;

namespace Berth.Core.Events;

/// <summary>
/// Lifecycle events of instances: published once, kept in a bounded in-memory backlog (so <c>vm events</c> shows recent
/// ones) and fanned out to every subscriber (the SSE stream, the supervisor).
/// </summary>
public sealed class EventBus(int backlogSize = EventBus.DefaultBacklogSize)
{
    /// <summary>Recent events kept for `vm events` and SSE resumption; small, so berthd's memory stays flat however busy it is.</summary>
    public const int DefaultBacklogSize = 256;

    // A subscriber that stops reading loses its oldest events rather than stalling every publisher.
    private const int SubscriberCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly Queue<InstanceEvent> _backlog = new();
    private readonly List<Channel<InstanceEvent>> _subscribers = [];
    private long _lastId;

    /// <summary>Records an event of <paramref name="manifest"/>; requestor defaults to <see cref="Requestor.Current"/>.</summary>
    public InstanceEvent Publish(string type, Manifest manifest, IReadOnlyDictionary<string, object?>? details = null, string? requestor = null) =>
        Publish(type, manifest.Uuid, manifest.Alias, details, requestor);

    public InstanceEvent Publish(string type, string? uuid, string? alias, IReadOnlyDictionary<string, object?>? details = null, string? requestor = null)
    {
        lock (_lock)
        {
            var e = new InstanceEvent
            {
                Id = ++_lastId,
                Time = DateTimeOffset.UtcNow,
                Type = type,
                Instance = uuid,
                Alias = alias,
                Requestor = requestor ?? Requestor.Current ?? Requestor.Daemon,
                Details = details is null ? null : ToJson(details),
            };
            _backlog.Enqueue(e);
            while (_backlog.Count > backlogSize)
            {
                _backlog.Dequeue();
            }

            foreach (Channel<InstanceEvent> subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(e);
            }

            return e;
        }
    }

    /// <summary>The id of the last event published (0 before any).</summary>
    public long LastId
    {
        get
        {
            lock (_lock)
            {
                return _lastId;
            }
        }
    }

    /// <summary>Kept events with an id above <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<InstanceEvent> Backlog(long since = 0)
    {
        lock (_lock)
        {
            return [.. _backlog.Where(e => e.Id > since)];
        }
    }

    /// <summary>
    /// Subscribes: the reader yields the kept events after <paramref name="since"/> (none when null), then every new one,
    /// with no gap and no repeat between the two. Dispose to unsubscribe.
    /// </summary>
    public Subscription Subscribe(long? since = null)
    {
        var channel = Channel.CreateBounded<InstanceEvent>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            if (since is long after)
            {
                foreach (InstanceEvent e in _backlog.Where(e => e.Id > after))
                {
                    channel.Writer.TryWrite(e);
                }
            }

            _subscribers.Add(channel);
        }

        return new Subscription(this, channel);
    }

    private void Unsubscribe(Channel<InstanceEvent> channel)
    {
        lock (_lock)
        {
            _subscribers.Remove(channel);
        }

        channel.Writer.TryComplete();
    }

    private static Dictionary<string, JsonElement> ToJson(IReadOnlyDictionary<string, object?> details)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach ((string key, object? value) in details)
        {
            if (value is not null)
            {
                result[key] = JsonSerializer.SerializeToElement(ToNode(value), BerthJson.Default.JsonNode);
            }
        }

        return result;
    }

    private static JsonNode? ToNode(object value) => value switch
    {
        string s => JsonValue.Create(s),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        double d => JsonValue.Create(d),
        IEnumerable<string> list => new JsonArray([.. list.Select(x => (JsonNode?)JsonValue.Create(x))]),
        _ => JsonValue.Create(value.ToString()),
    };

    /// <summary>A subscriber's view of the bus; events arrive in publishing order.</summary>
    public sealed class Subscription(EventBus bus, Channel<InstanceEvent> channel) : IDisposable
    {
        public ChannelReader<InstanceEvent> Reader => channel.Reader;

        public void Dispose() => bus.Unsubscribe(channel);
    }
}
