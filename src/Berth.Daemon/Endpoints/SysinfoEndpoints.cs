using Berth.Api.Contracts;

namespace Berth.Daemon.Endpoints;

/// <summary>/v1/sysinfo: what this host is and can do.</summary>
internal static class SysinfoEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/v1/sysinfo", (HostFacts facts) => Results.Json(facts.Sysinfo(), BerthJson.Default.Sysinfo))
            .WithTags("sysinfo").Produces<Sysinfo>();
}
