using Berth.Core.Host;

namespace Berth.Core.Networking;

/// <summary>One nic as it is plumbed: host veth in a bridge, its peer inside the instance's network namespace.</summary>
/// <param name="Index">position in nics[]: the interface inside is eth{Index}</param>
/// <param name="Bridge">the host bridge its nic tag maps to</param>
/// <param name="Mac">MAC address inside</param>
/// <param name="Addresses">CIDR addresses inside (10.0.0.5/24)</param>
/// <param name="Gateway">default gateway, set only on the primary nic</param>
public sealed record NicPlan(int Index, string Bridge, string Mac, IReadOnlyList<string> Addresses, string? Gateway, int? Mtu);

/// <summary>
/// Plumbs instance nics with `ip -batch`: one process on the host side and one inside the instance's network
/// namespace per attach (every `ip` process costs 3-4 ms, so the count of processes is the cost).
/// </summary>
/// <param name="runner">starts the processes</param>
/// <param name="hostNetns">a network namespace path the host side runs in (tests pass their own); null: the current one</param>
public sealed partial class NicPlumber(CommandRunner? runner = null, string? hostNetns = null)
{
    private readonly CommandRunner _runner = runner ?? CommandRunner.Default;

    /// <summary>The host-side veth name of nic <paramref name="index"/> of instance <paramref name="uuid"/> (at most 15 characters).</summary>
    public static string HostInterfaceName(string uuid, int index) => NicBatch.HostInterfaceName(uuid, index);

    /// <summary>Gives process <paramref name="pid"/>'s network namespace one veth per nic, bridged on the host; returns the host interface names.</summary>
    public async Task<IReadOnlyList<string>> AttachAsync(string instanceUuid, int pid, IReadOnlyList<NicPlan> nics, CancellationToken ct)
    {
        if (nics.Count == 0)
        {
            return [];
        }

        IReadOnlyList<NicBatch.BatchLine> host = NicBatch.HostScript(instanceUuid, pid, nics);
        IReadOnlyList<NicBatch.BatchLine> inner = NicBatch.InnerScript(nics);
        List<string> names = [.. nics.Select(n => HostInterfaceName(instanceUuid, n.Index))];

        CommandResult result = await RunHostAsync(["-batch", "-"], NicBatch.Join(host), ct).ConfigureAwait(false);
        if (!result.Succeeded && result.Stderr.Contains("File exists", StringComparison.Ordinal))
        {
            // A veth of this instance's previous namespace can linger briefly after the namespace died: remove it and retry once.
            await DeleteLinksAsync(names, ct).ConfigureAwait(false);
            result = await RunHostAsync(["-batch", "-"], NicBatch.Join(host), ct).ConfigureAwait(false);
        }

        if (!result.Succeeded)
        {
            await DeleteLinksAsync(names, CancellationToken.None).ConfigureAwait(false);
            throw Failure(instanceUuid, nics, host, result);
        }

        try
        {
            result = await _runner.RunAsync("nsenter", [$"--net=/proc/{pid}/ns/net", "ip", "-batch", "-"], NicBatch.Join(inner), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await DeleteLinksAsync(names, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        if (!result.Succeeded)
        {
            // Deleting the host end deletes its peer inside too.
            await DeleteLinksAsync(names, CancellationToken.None).ConfigureAwait(false);
            throw Failure(instanceUuid, nics, inner, result);
        }

        return names;
    }

    /// <summary>Deletes the host veths of an instance's nics that still exist; idempotent.</summary>
    public async Task DetachAsync(string instanceUuid, int nicCount)
    {
        List<string> names = [.. Enumerable.Range(0, nicCount).Select(i => HostInterfaceName(instanceUuid, i))];
        try
        {
            await DeleteLinksAsync(names, CancellationToken.None, throwOnError: true).ConfigureAwait(false);
        }
        catch (CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed detaching the nics of {instanceUuid}: {e.Message}", e);
        }
    }

    private static BerthException Failure(string uuid, IReadOnlyList<NicPlan> nics, IReadOnlyList<NicBatch.BatchLine> script, CommandResult result)
    {
        int? line = NicBatch.FailedLine(result.Stderr);
        int? nicIndex = line is int l && l >= 1 && l <= script.Count ? script[l - 1].Nic : null;
        // ip's parser exits without a line number on a bad argument ("nosuch" is wrong: Device does not exist): find the name.
        NicPlan nic = nics.FirstOrDefault(n => n.Index == nicIndex)
            ?? nics.FirstOrDefault(n => result.Stderr.Contains($"\"{n.Bridge}\"", StringComparison.Ordinal))
            ?? nics[0];
        var inner = new CommandFailedException(result);
        return new BerthException(ErrorKind.Internal, $"Failed attaching nic {nic.Index} of {uuid} to bridge {nic.Bridge}: {inner.Message}", inner);
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
                || l.Contains("does not exist", StringComparison.Ordinal));

    private Task<CommandResult> RunHostAsync(IReadOnlyList<string> ipArgs, string? stdin, CancellationToken ct) =>
        hostNetns is null
            ? _runner.RunAsync("ip", ipArgs, stdin, ct)
            : _runner.RunAsync("nsenter", [$"--net={hostNetns}", "ip", .. ipArgs], stdin, ct);
}
