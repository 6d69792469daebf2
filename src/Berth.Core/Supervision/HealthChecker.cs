using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.Core.Supervision;

/// <summary>The outcome of one health check.</summary>
public sealed record HealthResult(bool Passing, string Detail, DateTimeOffset At);

/// <summary>Runs instances' health checks and keeps the last result of each.</summary>
public sealed class HealthChecker(ContainerDriver containers)
{
    public static readonly TimeSpan TcpTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, HealthResult> _last = new(StringComparer.Ordinal);

    public HealthResult? Last(string uuid) => _last.GetValueOrDefault(uuid);

    public void Forget(string uuid) => _last.TryRemove(uuid, out _);

    /// <summary>Checks now; an instance without a health_check passes.</summary>
    public async Task<HealthResult> CheckAsync(Manifest manifest, CancellationToken ct = default)
    {
        HealthResult result;
        try
        {
            result = manifest.HealthCheck is null
                ? new HealthResult(true, "no health check", DateTimeOffset.UtcNow)
                : HealthCheck.Parse(manifest.HealthCheck) switch
                {
                    HealthCheck.Tcp tcp => await CheckTcpAsync(manifest, tcp.Port, ct).ConfigureAwait(false),
                    HealthCheck.Command command => await CheckCommandAsync(manifest.Uuid!, command.Text, ct).ConfigureAwait(false),
                    _ => throw new InvalidOperationException("unknown health check"),
                };
        }
        catch (Exception e) when (e is BerthException or IOException or SocketException)
        {
            result = new HealthResult(false, e.Message, DateTimeOffset.UtcNow);
        }

        _last[manifest.Uuid!] = result;
        return result;
    }

    /// <summary>The last result when it is younger than <paramref name="maxAge"/>, else a new check.</summary>
    public async Task<HealthResult> FreshAsync(Manifest manifest, TimeSpan maxAge, CancellationToken ct = default) =>
        Last(manifest.Uuid!) is { } last && DateTimeOffset.UtcNow - last.At < maxAge
            ? last
            : await CheckAsync(manifest, ct).ConfigureAwait(false);

    private static async Task<HealthResult> CheckTcpAsync(Manifest manifest, int port, CancellationToken ct)
    {
        IPAddress address = PrimaryAddress(manifest)
            ?? throw BerthException.Invalid("health_check", "a tcp check needs a nic with an address");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TcpTimeout);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token).ConfigureAwait(false);
            return new HealthResult(true, $"tcp {address}:{port} accepts connections", DateTimeOffset.UtcNow);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HealthResult(false, $"tcp {address}:{port}: no answer within {TcpTimeout.TotalSeconds:0} s", DateTimeOffset.UtcNow);
        }
        catch (SocketException e)
        {
            return new HealthResult(false, $"tcp {address}:{port}: {e.Message}", DateTimeOffset.UtcNow);
        }
    }

    private async Task<HealthResult> CheckCommandAsync(string uuid, string command, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            ExecResult result = await containers.ExecAsync(uuid, ["/bin/sh", "-c", command], null, timeout.Token).ConfigureAwait(false);
            if (result.ExitCode == 0)
            {
                return new HealthResult(true, $"`{command}` exited 0", DateTimeOffset.UtcNow);
            }

            string output = LastLine(result.Stderr) ?? LastLine(result.Stdout) ?? "no output";
            return new HealthResult(false, $"`{command}` exited {result.ExitCode}: {output}", DateTimeOffset.UtcNow);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new HealthResult(false, $"`{command}` did not finish within {CommandTimeout.TotalSeconds:0} s", DateTimeOffset.UtcNow);
        }
    }

    internal static IPAddress? PrimaryAddress(Manifest manifest)
    {
        Nic? nic = manifest.Nics?.FirstOrDefault(n => n.Primary == true) ?? manifest.Nics?.FirstOrDefault();
        string? ip = nic?.Ip ?? nic?.Ips?.FirstOrDefault()?.Split('/')[0];
        return ip is not null && IPAddress.TryParse(ip, out IPAddress? address) ? address : null;
    }

    private static string? LastLine(string? text) =>
        text?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
