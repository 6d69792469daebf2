using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

internal static partial class PropertyReaders
{
    /// <summary>vmadm's routes: each key a host address or a CIDR, each value a gateway address or "nics[N]".</summary>
    private static Dictionary<string, string>? ReadRoutes(JsonElement value, string path, ValidationErrors errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"{Show(value)} is not an object of destination to gateway");
            return null;
        }

        int before = errors.Count;
        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty entry in value.EnumerateObject())
        {
            string entryPath = KeyPath(path, entry.Name);
            if (!Ipv4.TryParse(entry.Name, out _) && !Ipv4.TryParseCidr(entry.Name, out _, out _))
            {
                errors.Add(entryPath, $"{Quote(entry.Name)} is not a destination (an IPv4 address or CIDR like 10.2.0.0/16)");
                continue;
            }

            string? gateway = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
            if (gateway is null || (!Ipv4.TryParse(gateway, out _) && !NicRoute().IsMatch(gateway)))
            {
                errors.Add(entryPath, $"{Show(entry.Value)} is not a gateway (an IPv4 address, or \"nics[N]\" for a route on that nic's link)");
                continue;
            }

            if (!routes.TryAdd(entry.Name, gateway))
            {
                errors.Add(entryPath, "is given twice");
            }
        }

        return errors.Count == before ? routes : null;
    }

    public static int? RouteNicIndex(string gateway) => RouteGateway.NicPosition(gateway);

    private static Regex NicRoute() => RouteGateway.NicRoute();
}

/// <summary>The "nics[N]" form of a route's gateway.</summary>
public static partial class RouteGateway
{
    /// <summary>N of a "nics[N]" gateway (a position in nics[]), or null for an address.</summary>
    public static int? NicPosition(string gateway)
    {
        Match m = NicRoute().Match(gateway);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^nics\[(0|[1-9][0-9]?)\]$")]
    internal static partial Regex NicRoute();
}
