using System.Globalization;
using Berth.Core.Host;

namespace Berth.Core.Networking;

public sealed partial class NicPlumber
{
    /// <summary>The VXLAN device of network segment <paramref name="vni"/> (at most 15 characters).</summary>
    public static string VxlanInterfaceName(int vni) => string.Create(CultureInfo.InvariantCulture, $"bvx{vni}");

    /// <summary>
    /// Makes VXLAN device bvxVNI a port of <paramref name="bridge"/> with one all-zeros FDB entry per peer (head-end
    /// replication of broadcast and unknown unicast); idempotent: what exists is kept, what is missing is added.
    /// </summary>
    public async Task EnsureVxlanAsync(string bridge, int vni, IReadOnlyList<string> peers, int? mtu, CancellationToken ct)
    {
        NicRules.ValidateInterfaceName(bridge, "bridge");
        string vx = VxlanInterfaceName(vni);
        string mtuWords = mtu is int m ? string.Create(CultureInfo.InvariantCulture, $" mtu {m}") : "";
        try
        {
            CommandResult add = await RunHostAsync(["link", "add", vx, .. mtuWords.Split(' ', StringSplitOptions.RemoveEmptyEntries),
                "type", "vxlan", "id", vni.ToString(CultureInfo.InvariantCulture), "dstport", "4789"], null, ct).ConfigureAwait(false);
            if (!add.Succeeded && !add.Stderr.Contains("File exists", StringComparison.Ordinal))
            {
                throw new CommandFailedException(add);
            }

            await RunHostCheckedAsync(["-batch", "-"], $"link set {vx} master {bridge}{mtuWords}\nlink set {vx} up\n", ct).ConfigureAwait(false);
            if (peers.Count > 0)
            {
                // `fdb append` of an entry that exists succeeds, so a restart applies nothing twice.
                string fdb = string.Concat(peers.Select(p => $"fdb append 00:00:00:00:00:00 dev {vx} dst {p}\n"));
                CommandResult result = await RunHostToolAsync("bridge", ["-batch", "-"], fdb, ct).ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    throw new CommandFailedException(result);
                }
            }
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed setting up VXLAN {vni} ({vx}) on bridge {bridge}: {e.Message}", e);
        }
    }

    /// <summary>Deletes the VXLAN device of <paramref name="vni"/>; fine if it is gone.</summary>
    public Task DeleteVxlanAsync(int vni) => DeleteBridgeLinkAsync(VxlanInterfaceName(vni));

    /// <summary>Turns on VLAN filtering on <paramref name="bridge"/>; a kernel without 802.1Q gets a clear Unavailable.</summary>
    public async Task EnsureVlanFilteringAsync(string bridge, CancellationToken ct)
    {
        if (HostNetworkFeatures.VlanFiltering == false)
        {
            throw new BerthException(ErrorKind.Unavailable, $"Cannot put bridge {bridge} on VLANs: {HostNetworkFeatures.NoVlanReason}");
        }

        CommandResult result = await RunHostAsync(["link", "set", bridge, "type", "bridge", "vlan_filtering", "1"], null, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            ErrorKind kind = result.Stderr.Contains("not supported", StringComparison.OrdinalIgnoreCase) ? ErrorKind.Unavailable : ErrorKind.Internal;
            throw new BerthException(kind, $"Cannot put bridge {bridge} on VLANs: {new CommandFailedException(result).Message}", new CommandFailedException(result));
        }
    }

    /// <summary>Makes host port <paramref name="port"/> an untagged member of VLAN <paramref name="vlanId"/> only.</summary>
    public async Task SetPortVlanAsync(string port, int vlanId, CancellationToken ct)
    {
        NicRules.ValidateInterfaceName(port, "port");
        string script = string.Create(CultureInfo.InvariantCulture, $"vlan del dev {port} vid 1\nvlan add dev {port} vid {vlanId} pvid untagged\n");
        CommandResult result = await RunHostToolAsync("bridge", ["-batch", "-"], script, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed putting {port} on VLAN {vlanId}: {new CommandFailedException(result).Message}",
                new CommandFailedException(result));
        }
    }

    private async Task DeleteBridgeLinkAsync(string name)
    {
        CommandResult result = await RunHostAsync(["link", "del", name], null, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded && !OnlyMissingLinks(result.Stderr))
        {
            throw new BerthException(ErrorKind.Internal, $"Failed deleting {name}: {new CommandFailedException(result).Message}",
                new CommandFailedException(result));
        }
    }

    private Task<CommandResult> RunHostToolAsync(string tool, IReadOnlyList<string> args, string? stdin, CancellationToken ct) =>
        hostNetns is null
            ? _runner.RunAsync(tool, args, stdin, ct)
            : _runner.RunAsync("nsenter", [$"--net={hostNetns}", tool, .. args], stdin, ct);
}
