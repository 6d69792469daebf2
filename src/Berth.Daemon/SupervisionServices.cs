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
        services.AddSingleton(new DaemonComponents());
        services.AddSingleton<Supervisor>();
    }
}
