using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.SystemTests.Daemon;

/// <summary>The OpenAPI document berthd serves lists exactly the endpoints it maps.</summary>
public sealed class OpenApiTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    [Fact]
    public async Task DocumentMatchesTheEndpoints()
    {
        RootOnly.Require();
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, 0);
                await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(fixture.Berthd.Host.Socket), ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        });
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync("http://berthd/v1/openapi.json"));
        HashSet<string> documented = [];
        foreach (JsonProperty path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (JsonProperty op in path.Value.EnumerateObject())
            {
                documented.Add($"{op.Name.ToUpperInvariant()} {path.Name.TrimEnd('/')}");
            }
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        Berth.Daemon.Daemon.AddServices(builder.Services, new Berth.Daemon.BerthdOptions { StateDir = Path.GetTempPath() });
        WebApplication app = builder.Build();
        Berth.Daemon.Daemon.MapEndpoints(app);
        HashSet<string> mapped = [];
        foreach (RouteEndpoint endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>())
        {
            foreach (string method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                mapped.Add($"{method} /{endpoint.RoutePattern.RawText!.Trim('/')}");
            }
        }

        Assert.Equal(mapped.Order(), documented.Order());
        Assert.Contains("POST /v1/vms", documented);
    }
}
