using System.Net;

namespace Berth.Daemon;

/// <summary>The TCP address of --listen. The API has no authentication yet, so only loopback addresses are accepted.</summary>
internal static class TcpListen
{
    public static IPEndPoint Parse(string value)
    {
        IPEndPoint endpoint = ParseAny(value, "--listen", "127.0.0.1:8080");

        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"--listen {value}: the TCP API has no authentication yet, so it listens on loopback only");
        }

        return endpoint;
    }

    /// <summary>The TCP address of --metrics-listen: any address, since that port serves nothing but /metrics.</summary>
    public static IPEndPoint ParseMetrics(string value) => ParseAny(value, "--metrics-listen", "0.0.0.0:9275");

    private static IPEndPoint ParseAny(string value, string flag, string example) =>
        IPEndPoint.TryParse(value, out IPEndPoint? endpoint) && endpoint.Port != 0
            ? endpoint
            : throw new ArgumentException($"{flag} \"{value}\" is not HOST:PORT ({example})");
}
