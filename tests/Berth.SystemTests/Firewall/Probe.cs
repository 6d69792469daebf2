using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Firewall;

/// <summary>
/// One connection attempt and what the firewall did with it. Nothing listens: a port that is reached answers with a
/// refusal (TCP RST, ICMP port unreachable), a blocked one with silence.
/// </summary>
internal sealed record Probe(string From, string To, string Protocol, int Port, bool Reached)
{
    /// <summary>The host's side of the test bridge (its gateway address) as a probe source.</summary>
    public const string Host = "host";

    public override string ToString() => $"{From} -> {To} {Protocol}{(Port > 0 ? $" {Port}" : "")}: {(Reached ? "reached" : "blocked")}";

    /// <summary>What the last probe printed, for messages.</summary>
    public static string LastOutput { get; private set; } = "";

    /// <summary>Whether the probe got through; one attempt with a 1 s timeout.</summary>
    public static async Task<bool> TryAsync(Berthd berthd, string from, string ip, string protocol, int port)
    {
        string[] argv = protocol switch
        {
            "tcp" => ["nc", "-w", "1", ip, port.ToString()],
            "udp" => ["nslookup", $"-port={port}", "-timeout=1", "-retry=1", "probe", ip],
            "icmp" => ["ping", "-c", "1", "-W", "1", ip],
            _ => throw new ArgumentException(protocol),
        };
        (int exit, string output) = from == Host
            ? await InHostAsync(berthd, argv)
            : await InInstanceAsync(berthd, from, argv);
        LastOutput = $"exit {exit}: {output.Trim()}";
        return protocol == "icmp" ? exit == 0 : output.Contains("refused", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<(int, string)> InHostAsync(Berthd berthd, string[] argv)
    {
        CommandResult r = await berthd.Host.InNetnsAsync(["busybox", .. argv]);
        return (r.ExitCode, r.Stdout + r.Stderr);
    }

    private static async Task<(int, string)> InInstanceAsync(Berthd berthd, string alias, string[] argv)
    {
        ExecResult r = await berthd.Client.ExecAsync(alias, new ExecRequest { Argv = [.. argv] });
        return (r.ExitCode, r.Stdout + r.Stderr);
    }
}
