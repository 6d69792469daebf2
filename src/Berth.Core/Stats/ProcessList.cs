using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Core.Stats;

/// <summary>A process's figures read from /proc/PID: stat, status and cmdline.</summary>
public sealed record ProcessSnapshot(int Pid, InstanceProcess Process, long CpuTicks);

/// <summary>Reads the processes of an instance from /proc, as prstat does; CPU% comes from two snapshots.</summary>
public static class ProcessList
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat, 100 on every Linux architecture Berth runs on.
    private const double TicksPerSecond = 100;

    /// <summary>The process's figures, or null when it exited meanwhile.</summary>
    public static ProcessSnapshot? Read(int pid, string procRoot = "/proc")
    {
        string dir = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string stat, status, cmdline;
        try
        {
            stat = File.ReadAllText(Path.Combine(dir, "stat"));
            status = File.ReadAllText(Path.Combine(dir, "status"));
            cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
        }
        catch (IOException)
        {
            return null; // exited between cgroup.procs and here
        }

        return Parse(pid, stat, status, cmdline);
    }

    /// <summary>Builds a process from the texts of /proc/PID/stat, status and cmdline (pure).</summary>
    public static ProcessSnapshot Parse(int pid, string stat, string status, string cmdline)
    {
        int open = stat.IndexOf('(');
        int close = stat.LastIndexOf(')');
        string comm = stat[(open + 1)..close];
        // Fields after "(comm) ", numbered from 3 in proc(5): index = field - 3.
        string[] f = stat[(close + 2)..].Split(' ');
        long ticks = L(f[11]) + L(f[12]);
        string args = cmdline.Replace('\0', ' ').Trim();
        var process = new InstanceProcess
        {
            Pid = pid,
            InstancePid = StatusField(status, "NSpid:") is { } ns ? int.Parse(ns.Split('\t', ' ')[^1], CultureInfo.InvariantCulture) : null,
            Ppid = (int)L(f[1]),
            Uid = StatusField(status, "Uid:") is { } uid ? int.Parse(uid.Split('\t', ' ')[0], CultureInfo.InvariantCulture) : null,
            State = f[0],
            Threads = (int)L(f[17]),
            Nice = (int)L(f[16]),
            SizeBytes = L(f[20]),
            RssBytes = L(f[21]) * Environment.SystemPageSize,
            CpuSeconds = ticks / TicksPerSecond,
            Command = args.Length > 0 ? args : $"[{comm}]",
        };
        return new ProcessSnapshot(pid, process, ticks);
    }

    /// <summary>CPU% of each process over the time between two snapshots (percent of one CPU).</summary>
    public static IReadOnlyList<InstanceProcess> WithCpuPercent(
        IReadOnlyList<ProcessSnapshot> now, IReadOnlyDictionary<int, long> ticksBefore, double seconds) =>
        [.. now.Select(p => p.Process with
        {
            CpuPercent = seconds > 0 && ticksBefore.TryGetValue(p.Pid, out long before)
                ? Math.Round(Math.Max(0, p.CpuTicks - before) / TicksPerSecond / seconds * 100, 1)
                : null,
        })];

    private static string? StatusField(string status, string key)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return line[key.Length..].Trim();
            }
        }

        return null;
    }

    private static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
