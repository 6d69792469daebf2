using System.Collections.Concurrent;

namespace Berth.Core.Supervision;

/// <summary>The states <c>berth svcs</c> shows, as SMF names them.</summary>
public static class ServiceStates
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Degraded = "degraded";
    public const string Maintenance = "maintenance";
    public const string Disabled = "disabled";
}

/// <summary>One of berthd's own parts as a supervised component.</summary>
public sealed record DaemonComponent(string Name, string Description, string State, DateTimeOffset Since, string? Reason);

/// <summary>berthd's own services (API, metadata, metrics, image server, firewall sync, supervisor) and their states.</summary>
/// <remarks>Parts not built yet are registered disabled with that reason; the code that brings one up sets it online.</remarks>
public sealed class DaemonComponents
{
    public const string Api = "api";
    public const string Supervisor = "supervisor";
    public const string Metadata = "metadata";
    public const string Metrics = "metrics";
    public const string ImageServer = "image-server";
    public const string FirewallSync = "firewall-sync";

    private readonly ConcurrentDictionary<string, DaemonComponent> _components = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public DaemonComponents()
    {
        Register(Api, "the REST API on the unix socket (and TCP with --listen)", ServiceStates.Offline, "starting");
        Register(Supervisor, "autoboot in dependency order, restarts, health checks", ServiceStates.Offline, "starting");
        Register(Metadata, "the metadata service instances read with mdata-get", ServiceStates.Offline, "starting");
        Register(Metrics, "Prometheus metrics (--metrics-listen)", ServiceStates.Offline, "starting");
        Register(ImageServer, "serving images to other hosts (IMGAPI)", ServiceStates.Disabled, "not built yet");
        Register(FirewallSync, "firewall rules applied as one nft transaction", ServiceStates.Offline, "starting");
    }

    public IReadOnlyList<DaemonComponent> All
    {
        get
        {
            lock (_order)
            {
                return [.. _order.Select(n => _components[n])];
            }
        }
    }

    public DaemonComponent? Get(string name) => _components.GetValueOrDefault(name);

    /// <summary>Adds a component (or replaces one of that name), in the state given.</summary>
    public void Register(string name, string description, string state, string? reason = null)
    {
        lock (_order)
        {
            if (!_order.Contains(name))
            {
                _order.Add(name);
            }

            _components[name] = new DaemonComponent(name, description, state, DateTimeOffset.UtcNow, reason);
        }
    }

    /// <summary>Moves a registered component to a state; the reason says why it is not online.</summary>
    public void Set(string name, string state, string? reason = null)
    {
        DaemonComponent current = _components.GetValueOrDefault(name) ?? throw new ArgumentException($"no component \"{name}\"", nameof(name));
        if (current.State != state || current.Reason != reason)
        {
            _components[name] = current with { State = state, Since = DateTimeOffset.UtcNow, Reason = reason };
        }
    }
}
