using Berth.Core.Events;
using Berth.Core.Supervision;

namespace Berth.Daemon;

/// <summary>The event bus, the supervisor and what it needs, and berthd's own components.</summary>
internal static class SupervisionServices
{
    public static void Add(IServiceCollection services, BerthdOptions options)
    {
        services.AddSingleton(new EventBus());
        services.AddSingleton(RestartPolicy.Default);
        services.AddSingleton<ExitHistory>();
        services.AddSingleton<HealthChecker>();
        var components = new DaemonComponents();
        components.Set(DaemonComponents.Metrics, ServiceStates.Disabled, options.MetricsListen is null
            ? "off: --metrics-listen is not given (and metrics are not built yet)"
            : "not built yet: --metrics-listen is accepted but nothing is served");
        services.AddSingleton(components);
        services.AddSingleton<Supervisor>();
    }
}
