using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary>The rows of <c>berth stat</c> and <c>berth top</c> (pure, unit-tested).</summary>
public static class StatView
{
    public static readonly IReadOnlyList<string> StatHeaders =
        ["INSTANCE", "STATE", "CPU%/CAP", "MEM/CAP", "SWAP/CAP", "PROCS/MAX", "DISK R/s", "DISK W/s", "NET RX/s", "NET TX/s"];

    public static readonly IReadOnlyList<string> TopHeaders =
        ["PID", "HOST PID", "UID", "SIZE", "RSS", "STATE", "NICE", "TIME", "CPU%", "NLWP", "COMMAND"];

    /// <summary>One row per instance, in the order given; figures a stopped instance lacks print as "-".</summary>
    public static List<string[]> StatRows(IEnumerable<InstanceStats> stats) =>
        [.. stats.Select(s => new[]
        {
            s.Alias ?? s.Uuid[..8],
            s.State ?? "-",
            $"{Percent(s.CpuPercent)}/{(s.CpuCap is > 0 and long cap ? cap.ToString(CultureInfo.InvariantCulture) : "-")}",
            $"{Bytes(s.MemoryBytes)}/{Bytes(s.MemoryLimitBytes)}",
            $"{Bytes(s.SwapBytes)}/{Bytes(s.SwapLimitBytes)}",
            $"{Count(s.Processes)}/{Count(s.MaxLwps)}",
            Bytes(s.DiskReadBytesPerSecond),
            Bytes(s.DiskWriteBytesPerSecond),
            Bytes(s.NetRxBytesPerSecond),
            Bytes(s.NetTxBytesPerSecond),
        })];

    /// <summary>One row per process, busiest first as the daemon sorted them.</summary>
    public static List<string[]> TopRows(IEnumerable<InstanceProcess> processes) =>
        [.. processes.Select(p => new[]
        {
            Count(p.InstancePid),
            p.Pid.ToString(CultureInfo.InvariantCulture),
            Count(p.Uid),
            Bytes(p.SizeBytes),
            Bytes(p.RssBytes),
            p.State ?? "-",
            Count(p.Nice),
            Time(p.CpuSeconds),
            Percent(p.CpuPercent),
            Count(p.Threads),
            p.Command ?? "",
        })];

    /// <summary>prstat's TIME: h:mm:ss.</summary>
    public static string Time(double? seconds) =>
        seconds is { } s ? $"{(int)(s / 3600)}:{(int)(s % 3600 / 60):00}:{(int)(s % 60):00}" : "-";

    public static string Percent(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    public static string Bytes(double? bytes) => bytes switch
    {
        null => "-",
        < 1024 => ((long)bytes.Value).ToString(CultureInfo.InvariantCulture),
        { } b => Scaled(b),
    };

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Scaled(double b)
    {
        string[] units = ["K", "M", "G", "T", "P"];
        int i = -1;
        while (b >= 1024 && i < units.Length - 1)
        {
            b /= 1024;
            i++;
        }

        return (b >= 100 ? b.ToString("0", CultureInfo.InvariantCulture) : b.ToString("0.#", CultureInfo.InvariantCulture)) + units[i];
    }
}
