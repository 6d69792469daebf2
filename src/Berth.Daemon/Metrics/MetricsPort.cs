namespace Berth.Daemon.Metrics;

/// <summary>The --metrics-listen port serves /metrics and nothing else: the API stays on the socket (and --listen).</summary>
internal static class MetricsPort
{
    public static void Restrict(IApplicationBuilder app, BerthdOptions options)
    {
        if (options.MetricsListen is null)
        {
            return;
        }

        int port = TcpListen.ParseMetrics(options.MetricsListen).Port;
        app.Use((context, next) =>
        {
            if (context.Connection.LocalPort == port && context.Request.Path != "/metrics")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }
}
