using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Host;
using Berth.Core.Images;
using Berth.Core.Instances;
using Berth.Core.Instances.Containers;
using Berth.Core.Networking;
using Berth.Core.Storage;
using Berth.Core.Store;
using Berth.Core.Supervision;
using Berth.Daemon.Endpoints;
using Berth.Daemon.Metrics;
using Microsoft.AspNetCore.Diagnostics;

namespace Berth.Daemon;

/// <summary>Wires berthd together: services, endpoints, start-up reconciliation, the socket.</summary>
internal static class Daemon
{
    public static async Task<int> RunAsync(BerthdOptions options, Action<IServiceCollection>? configure = null, CancellationToken ct = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenUnixSocket(options.Socket);
            if (options.Listen is not null)
            {
                k.Listen(TcpListen.Parse(options.Listen));
            }

            if (options.MetricsListen is not null)
            {
                k.Listen(TcpListen.ParseMetrics(options.MetricsListen));
            }
        });
        AddServices(builder.Services, options);
        configure?.Invoke(builder.Services);
        builder.Services.AddOpenApi("v1");

        WebApplication app = builder.Build();
        app.UseExceptionHandler(error => error.Run(context =>
            ErrorMap.WriteAsync(context, context.Features.Get<IExceptionHandlerFeature>()!.Error)));
        app.UseStatusCodePages(context => ErrorMap.WriteStatusAsync(context.HttpContext));
        app.UseWebSockets();
        MetricsPort.Restrict(app, options);
        app.Use(RequestorMiddleware.InvokeAsync);
        app.MapOpenApi("/v1/openapi.json");
        MapEndpoints(app);

        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("berthd");
        try
        {
            await Startup.PrepareAsync(app.Services, options, logger);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "berthd cannot start");
            return 1;
        }

        File.Delete(options.Socket);
        await app.StartAsync();
        File.SetUnixFileMode(options.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(options.RunDir, "berthd.pid"), $"{Environment.ProcessId}\n");
        SdNotify.Ready();
        DaemonComponents components = app.Services.GetRequiredService<DaemonComponents>();
        components.Set(DaemonComponents.Api, ServiceStates.Online);
        components.Set(DaemonComponents.Metadata, ServiceStates.Online); // each instance's socket is served from its start
        components.Set(DaemonComponents.Metrics, options.MetricsListen is null ? ServiceStates.Disabled : ServiceStates.Online,
            options.MetricsListen is null ? "off: --metrics-listen is not given (/metrics is still served on the unix socket)" : null);
        logger.LogInformation("berthd is serving on {Socket}", options.Socket);
        await app.WaitForShutdownAsync(ct);
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>Every REST resource; the OpenAPI document is generated from these.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder app)
    {
        VmsEndpoints.Map(app);
        SendReceiveEndpoints.Map(app);
        SnapshotsEndpoints.Map(app);
        ImagesEndpoints.Map(app);
        PoolsEndpoints.Map(app);
        NetworksEndpoints.Map(app);
        FirewallEndpoints.Map(app);
        SysinfoEndpoints.Map(app);
        StatsEndpoints.Map(app);
        EventsEndpoints.Map(app);
        SvcsEndpoints.Map(app);
    }

    internal static void AddServices(IServiceCollection services, BerthdOptions options)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BerthJson.Default));
        var paths = new BerthPaths(options.StateDir, options.RunDir, options.CgroupParent) { MdataToolsDir = options.MdataTools };
        services.AddSingleton(paths);
        services.AddSingleton(CommandRunner.Default);
        services.AddSingleton<IStateStore>(new SqliteStateStore(paths.DatabasePath));
        services.AddSingleton<PoolManager>();
        services.AddSingleton<PoolRegistry>();
        services.AddSingleton<ImageService>();
        services.AddSingleton(new NicPlumber());
        services.AddSingleton(new NetworkDefaults(options.Bridge));
        services.AddSingleton<NetworkService>();
        services.AddSingleton<ContainerDriver>();
        services.AddSingleton<Berth.Core.Instances.Vms.VmDriver>();
        services.AddSingleton(PidWatcher.Shared);
        services.AddSingleton<ICreateObserver, NoCreateObserver>();
        services.AddSingleton<Berth.Core.Metadata.MetadataServer>();
        services.AddSingleton<InstanceService>();
        services.AddSingleton<Berth.Core.Stats.StatsService>();
        services.AddFirewall();
        services.AddSingleton(sp => new HostFacts(paths, CrunVersion(), Berth.Core.Host.Cgroups.CgroupHost.Detect().ToString().ToLowerInvariant(), options.BootIdFile));
        SupervisionServices.Add(services, options);
    }

    private static string CrunVersion()
    {
        CommandResult result = CommandRunner.Default.RunAsync("crun", ["--version"]).GetAwaiter().GetResult();
        return result.Succeeded ? result.Stdout.Split('\n')[0].Replace("crun version ", "").Trim() : "not installed";
    }
}
