using Berth.Api.Contracts;
using Berth.Core.Supervision;

namespace Berth.Core.Manifests;

public static partial class ManifestValidator
{
    private static string? ReadHealthCheck(string? text, ValidationErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!HealthCheck.TryParse(text, out _, out string? error))
        {
            errors.Add("health_check", error!);
            return null;
        }

        return text.Trim();
    }

    // A tcp check connects to the primary nic's address, so it needs one; a command check needs nothing.
    private static void CheckHealthCheckNics(Manifest? manifest, ValidationErrors errors)
    {
        if (manifest?.HealthCheck is { } text && HealthCheck.TryParse(text, out HealthCheck? check, out _) && check is HealthCheck.Tcp
            && !(manifest.Nics ?? []).Any(n => n.Ip is not null || n.Ips is { Count: > 0 }))
        {
            errors.Add("health_check", "a tcp check needs a nic with an address (ip or ips); give one, or a command to run inside");
        }
    }
}
