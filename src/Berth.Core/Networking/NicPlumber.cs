using System.Globalization;
using Berth.Core.Host;
using Berth.Core.Host.Interop;
using Berth.Core.Networking.Netlink;

namespace Berth.Core.Networking;

/// <summary>One nic as it is plumbed: host veth in a bridge, its peer inside the instance's network namespace.</summary>
/// <param name="Index">position in nics[]: the interface inside is eth{Index}</param>
/// <param name="Bridge">the host bridge its nic tag maps to</param>
/// <param name="Mac">MAC address inside</param>
/// <param name="Addresses">CIDR addresses inside (10.0.0.5/24)</param>
/// <param name="Gateway">default gateway, set only on the primary nic</param>
/// <param name="VlanId">802.1Q VLAN of the host port on its bridge, or null</param>
public sealed record NicPlan(int Index, string Bridge, string Mac, IReadOnlyList<string> Addresses, string? Gateway, int? Mtu, int? VlanId = null);

/// <summary>A route inside an instance (vmadm's routes): to <paramref name="Destination"/> via a gateway address or on nic <paramref name="NicIndex"/>'s link.</summary>
public sealed record RoutePlan(string Destination, string? Gateway, int? NicIndex);

/// <summary>
/// Plumbs instance nics: attach over rtnetlink from the daemon (no process; every `ip` process costs 3-4 ms), bridges
/// and detach with `ip -batch`.
/// </summary>
/// <param name="runner">starts the processes</param>
/// <param name="hostNetns">a network namespace path the host side runs in (tests pass their own); null: the current one</param>
public sealed partial class NicPlumber(CommandRunner? runner = null, string? hostNetns = null)
{
    private readonly CommandRunner _runner = runner ?? CommandRunner.Default;

    /// <summary>The host-side veth name of nic <paramref name="index"/> of instance <paramref name="uuid"/> (at most 15 characters).</summary>
    public static string HostInterfaceName(string uuid, int index) => NicRules.HostInterfaceName(uuid, index);

    /// <summary>Gives process <paramref name="pid"/>'s network namespace one veth per nic, bridged on the host; returns the host interface names.</summary>
    /// <remarks>
    /// Over rtnetlink from the daemon, no processes: the host socket is opened in berthd's namespace (in
    /// <c>hostNetns</c> when set) and the inner one by a dedicated thread that enters the instance's namespace for it.
    /// </remarks>
    public async Task<IReadOnlyList<string>> AttachAsync(string instanceUuid, int pid, IReadOnlyList<NicPlan> nics, CancellationToken ct,
        IReadOnlyList<RoutePlan>? routes = null)
    {
        if (nics.Count == 0)
        {
            return [];
        }

        foreach (NicPlan nic in nics)
        {
            NicRules.Validate(nic);
        }

        ct.ThrowIfCancellationRequested();
        List<string> names = [.. nics.Select(n => HostInterfaceName(instanceUuid, n.Index))];

        SafeFdHandle? hostNs = null;
        SafeFdHandle? instanceNs = null;
        RtnlSocket[] sockets = [];
        try
        {
            hostNs = hostNetns is null ? null : OpenReadOnly.Open(hostNetns);
            instanceNs = OpenReadOnly.Open(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/ns/net"));
            sockets = await NetnsSockets.OpenAsync([hostNs, instanceNs]).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            hostNs?.Dispose();
            instanceNs?.Dispose();
            throw new BerthException(ErrorKind.Internal,
                $"Failed attaching nic {nics[0].Index} of {instanceUuid} to bridge {nics[0].Bridge}: {e.Message}", e);
        }

        try
        {
            NicAttach.Run(sockets[0], sockets[1], instanceNs, instanceUuid, nics, names, ct, routes ?? []);
        }
        finally
        {
            Array.ForEach(sockets, s => s.Dispose());
            hostNs?.Dispose();
            instanceNs.Dispose();
        }

        foreach (NicPlan nic in nics.Where(n => n.VlanId is not null))
        {
            await SetPortVlanAsync(HostInterfaceName(instanceUuid, nic.Index), nic.VlanId!.Value, ct).ConfigureAwait(false);
        }

        return names;
    }

    /// <summary>Deletes the host veths of nics 0 to <paramref name="nicCount"/> - 1 that still exist; idempotent.</summary>
    public Task DetachAsync(string instanceUuid, int nicCount) => DetachAsync(instanceUuid, Enumerable.Range(0, nicCount));

    /// <summary>Deletes the host veths of the nics with these indexes (ethN) that still exist; idempotent.</summary>
    public async Task DetachAsync(string instanceUuid, IEnumerable<int> indexes)
    {
        List<string> names = [.. indexes.Select(i => HostInterfaceName(instanceUuid, i))];
        if (names.Count == 0)
        {
            return;
        }

        try
        {
            await DeleteLinksAsync(names, CancellationToken.None, throwOnError: true).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed detaching the nics of {instanceUuid}: {e.Message}", e);
        }
    }

    // `-force` goes on past links that are already gone; only other errors count.
    private async Task DeleteLinksAsync(IReadOnlyList<string> names, CancellationToken ct, bool throwOnError = false)
    {
        string script = string.Concat(names.Select(n => $"link del {n}\n"));
        CommandResult result = await RunHostAsync(["-force", "-batch", "-"], script, ct).ConfigureAwait(false);
        if (!result.Succeeded && throwOnError && !OnlyMissingLinks(result.Stderr))
        {
            throw new CommandFailedException(result);
        }
    }

    private static bool OnlyMissingLinks(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .All(l => l.StartsWith("Command failed", StringComparison.Ordinal)
                || l.Contains("Cannot find device", StringComparison.Ordinal)
                || l.Contains("No such device", StringComparison.Ordinal) // gone between lookup and delete: its netns died
                || l.Contains("does not exist", StringComparison.Ordinal));

    private Task<CommandResult> RunHostAsync(IReadOnlyList<string> ipArgs, string? stdin, CancellationToken ct) =>
        hostNetns is null
            ? _runner.RunAsync("ip", ipArgs, stdin, ct)
            : _runner.RunAsync("nsenter", [$"--net={hostNetns}", "ip", .. ipArgs], stdin, ct);
}
