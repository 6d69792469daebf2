using System.Net;

namespace Berth.Daemon;

/// <summary>The TCP address of --listen. The API has no authentication yet, so only loopback addresses are accepted.</summary>
internal static class TcpListen
{
    public static IPEndPoint Parse(string value)
    {
        if (!IPEndPoint.TryParse(value, out IPEndPoint? endpoint) || endpoint.Port == 0)
        {
            throw new ArgumentException($"--listen \"{value}\" is not HOST:PORT (127.0.0.1:8080)");
        }

        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"--listen {value}: the TCP API has no authentication yet, so it listens on loopback only");
        }

        return endpoint;
    }
}
