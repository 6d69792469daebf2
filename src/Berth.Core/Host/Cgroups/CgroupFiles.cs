using System.Globalization;

namespace Berth.Core.Host.Cgroups;

/// <summary>Reading and writing cgroupfs files, and parsing their formats (pure parts are unit-tested).</summary>
internal static class CgroupFiles
{
    /// <summary>The trimmed text of a file, null when it (or its cgroup) does not exist.</summary>
    public static string? Read(string dir, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, file)).Trim();
        }
        catch (IOException)
        {
            // Missing, or ENODEV when the cgroup went away while being read: the instance is not running.
            return null;
        }
    }

    public static long ReadLong(string dir, string file) => ParseLong(Read(dir, file)) ?? 0;

    /// <summary>A number, or null for "max", an empty or missing file.</summary>
    public static long? ParseLong(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;

    public static void Write(string dir, string file, string value)
    {
        string path = Path.Combine(dir, file);
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed writing \"{value}\" to \"{path}\": {e.Message}", e);
        }
    }

    /// <summary>A "key value" per line file (cpu.stat, memory.stat): the value of <paramref name="key"/>, 0 when absent.</summary>
    public static long KeyValue(string? text, string key)
    {
        if (text is null)
        {
            return 0;
        }

        foreach (string line in text.Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(key))
            {
                return ParseLong(line[(space + 1)..].Trim()) ?? 0;
            }
        }

        return 0;
    }

    /// <summary>v1 blkio.throttle.io_service_bytes / io_serviced ("8:0 Read 4096" lines): read and write totals over every device.</summary>
    public static (long Read, long Write) BlkioTotals(string? text)
    {
        long read = 0, write = 0;
        foreach (string line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3)
            {
                continue; // "Total N"
            }

            long value = ParseLong(f[2]) ?? 0;
            if (f[1] == "Read")
            {
                read += value;
            }
            else if (f[1] == "Write")
            {
                write += value;
            }
        }

        return (read, write);
    }

    /// <summary>v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." lines): totals over every device.</summary>
    public static (long ReadBytes, long WriteBytes, long Reads, long Writes) IoStatTotals(string? text)
    {
        long rbytes = 0, wbytes = 0, rios = 0, wios = 0;
        foreach (string line in (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string field in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                int eq = field.IndexOf('=');
                long value = eq > 0 ? ParseLong(field[(eq + 1)..]) ?? 0 : 0;
                switch (eq > 0 ? field[..eq] : "")
                {
                    case "rbytes": rbytes += value; break;
                    case "wbytes": wbytes += value; break;
                    case "rios": rios += value; break;
                    case "wios": wios += value; break;
                }
            }
        }

        return (rbytes, wbytes, rios, wios);
    }

    /// <summary>The pids of a cgroup.procs file.</summary>
    public static IReadOnlyList<int> Pids(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
