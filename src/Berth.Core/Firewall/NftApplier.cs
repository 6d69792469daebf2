using Berth.Core.Host;

namespace Berth.Core.Firewall;

/// <summary>Applies an nftables ruleset with one <c>nft -f -</c> (one transaction) in berthd's network namespace.</summary>
/// <param name="hostNetns">a network namespace path the host side runs in (tests pass their own); null: the current one</param>
public sealed class NftApplier(CommandRunner? runner = null, string? hostNetns = null)
{
    private const string BridgeNfCallIptables = "net.bridge.bridge-nf-call-iptables";
    private readonly CommandRunner _runner = runner ?? CommandRunner.Default;

    public async Task ApplyAsync(string ruleset, CancellationToken ct = default)
    {
        CommandResult result = await RunAsync("nft", ["-f", "-"], ruleset, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new BerthException(ErrorKind.Internal,
                $"Failed applying the firewall ruleset with nft: {new CommandFailedException(result).Message}", new CommandFailedException(result));
        }
    }

    /// <summary>The whole ruleset of the namespace, as <c>nft list ruleset</c> prints it.</summary>
    public async Task<string> ListAsync(CancellationToken ct = default) =>
        (await RunAsync("nft", ["list", "ruleset"], null, ct).ConfigureAwait(false)).Stdout;

    /// <summary>
    /// Makes bridged IPv4 pass the inet hooks (br_netfilter), where the firewall and conntrack are; false when the host
    /// cannot (br_netfilter missing), in which case traffic between instances on one bridge bypasses the firewall.
    /// </summary>
    public async Task<bool> EnsureBridgeNetfilterAsync(CancellationToken ct = default)
    {
        CommandResult read = await RunAsync("sysctl", ["-n", BridgeNfCallIptables], null, ct).ConfigureAwait(false);
        if (!read.Succeeded)
        {
            await _runner.RunAsync("modprobe", ["br_netfilter"], null, ct).ConfigureAwait(false);
            read = await RunAsync("sysctl", ["-n", BridgeNfCallIptables], null, ct).ConfigureAwait(false);
        }

        if (read.Succeeded && read.Stdout.Trim() == "1")
        {
            return true;
        }

        return read.Succeeded && (await RunAsync("sysctl", ["-w", $"{BridgeNfCallIptables}=1"], null, ct).ConfigureAwait(false)).Succeeded;
    }

    // The sysctl is per network namespace, like the ruleset: both go to berthd's (or the test's) namespace.
    private Task<CommandResult> RunAsync(string tool, IReadOnlyList<string> args, string? stdin, CancellationToken ct) =>
        hostNetns is null
            ? _runner.RunAsync(tool, args, stdin, ct)
            : _runner.RunAsync("nsenter", [$"--net={hostNetns}", tool, .. args], stdin, ct);
}
