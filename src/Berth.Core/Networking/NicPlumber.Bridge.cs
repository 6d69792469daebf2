using System.Globalization;
using System.Net;
using System.Text.Json;
using Berth.Core.Host;

namespace Berth.Core.Networking;

public sealed partial class NicPlumber
{
    /// <summary>Creates bridge <paramref name="bridge"/> if absent, gives it <paramref name="gatewayCidr"/> if it lacks it and sets it up; idempotent.</summary>
    /// <returns>true when it created the bridge, false when the bridge was there</returns>
    public async Task<bool> EnsureBridgeAsync(string bridge, string gatewayCidr, int? mtu, CancellationToken ct)
    {
        NicRules.ValidateInterfaceName(bridge, "bridge");
        (IPAddress gateway, int prefix) = ParseCidr(gatewayCidr);
        string mtuWords = mtu is int m ? string.Create(CultureInfo.InvariantCulture, $" mtu {m}") : "";
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                CommandResult show = await RunHostAsync(["-j", "-d", "addr", "show", "dev", bridge], null, ct).ConfigureAwait(false);
                if (show.Succeeded)
                {
                    string script = Reconcile(bridge, show.Stdout, gateway, prefix, mtu);
                    if (script.Length > 0)
                    {
                        await RunHostCheckedAsync(["-batch", "-"], script, ct).ConfigureAwait(false);
                    }

                    return false;
                }

                if (!show.Stderr.Contains("does not exist", StringComparison.Ordinal))
                {
                    throw new CommandFailedException(show);
                }

                string create = $"link add {bridge} address {NicRules.BridgeMac(bridge)}{mtuWords} type bridge\n"
                    + $"addr add {gateway}/{prefix} dev {bridge}\n"
                    + $"link set {bridge} up\n";
                CommandResult made = await RunHostAsync(["-batch", "-"], create, ct).ConfigureAwait(false);
                if (made.Succeeded)
                {
                    return true;
                }

                // Someone else created it between our look and our add: look again, once.
                if (attempt > 0 || !made.Stderr.Contains("File exists", StringComparison.Ordinal))
                {
                    throw new CommandFailedException(made);
                }
            }
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed setting up bridge {bridge} with {gatewayCidr}: {e.Message}", e);
        }
    }

    /// <summary>Deletes bridge <paramref name="bridge"/>; fine if it is gone.</summary>
    public async Task DeleteBridgeAsync(string bridge)
    {
        NicRules.ValidateInterfaceName(bridge, "bridge");
        CommandResult result = await RunHostAsync(["link", "del", bridge], null, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded && !OnlyMissingLinks(result.Stderr))
        {
            throw new BerthException(ErrorKind.Internal, $"Failed deleting bridge {bridge}: {new CommandFailedException(result).Message}",
                new CommandFailedException(result));
        }
    }

    // The `ip` lines that bring an existing bridge to the wanted address, mtu and state.
    private static string Reconcile(string bridge, string json, IPAddress gateway, int prefix, int? mtu)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement link = doc.RootElement[0];
        string? kind = link.TryGetProperty("linkinfo", out JsonElement info) && info.TryGetProperty("info_kind", out JsonElement k)
            ? k.GetString() : null;
        if (kind != "bridge")
        {
            throw new BerthException(ErrorKind.Conflict, $"Interface {bridge} exists but is a {kind ?? "plain device"}, not a bridge");
        }

        bool hasAddress = link.TryGetProperty("addr_info", out JsonElement addrs) && addrs.EnumerateArray().Any(a =>
            a.TryGetProperty("local", out JsonElement local) && IPAddress.TryParse(local.GetString(), out IPAddress? ip)
            && ip.Equals(gateway) && a.GetProperty("prefixlen").GetInt32() == prefix);
        bool up = link.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "UP");
        int currentMtu = link.GetProperty("mtu").GetInt32();

        var script = new System.Text.StringBuilder();
        if (mtu is int m && m != currentMtu)
        {
            script.Append(CultureInfo.InvariantCulture, $"link set {bridge} mtu {m}\n");
        }

        if (!hasAddress)
        {
            script.Append(CultureInfo.InvariantCulture, $"addr add {gateway}/{prefix} dev {bridge}\n");
        }

        if (!up)
        {
            script.Append(CultureInfo.InvariantCulture, $"link set {bridge} up\n");
        }

        return script.ToString();
    }

    private static (IPAddress Address, int Prefix) ParseCidr(string cidr)
    {
        int slash = cidr.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(cidr[..slash], out IPAddress? ip)
            || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
            || prefix > (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32))
        {
            throw BerthException.Invalid("gateway", $"\"{cidr}\" is not an address in CIDR form (10.222.0.1/24)");
        }

        return (ip, prefix);
    }

    private async Task RunHostCheckedAsync(IReadOnlyList<string> ipArgs, string? stdin, CancellationToken ct)
    {
        CommandResult result = await RunHostAsync(ipArgs, stdin, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new CommandFailedException(result);
        }
    }
}
