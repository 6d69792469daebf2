using System.Text;

namespace Berth.Core.Storage;

/// <summary>One line of /proc/self/mountinfo.</summary>
internal sealed record MountEntry(string MountPoint, string FsType, string Source);

/// <summary>Reads /proc/self/mountinfo: the kernel's own view of what is mounted where.</summary>
internal static class MountTable
{
    public static IReadOnlyList<MountEntry> Read()
    {
        var entries = new List<MountEntry>();
        foreach (string line in File.ReadLines("/proc/self/mountinfo"))
        {
            // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
            string[] fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-", 6);
            if (fields.Length < 7 || dash < 0 || dash + 2 >= fields.Length)
            {
                continue;
            }

            entries.Add(new MountEntry(Unescape(fields[4]), fields[dash + 1], Unescape(fields[dash + 2])));
        }

        return entries;
    }

    /// <summary>The last (topmost) mount at exactly <paramref name="path"/>, or null.</summary>
    public static MountEntry? At(string path)
    {
        string full = Normalize(path);
        return Read().LastOrDefault(e => e.MountPoint == full);
    }

    /// <summary>Mounts whose source is <paramref name="device"/> (after resolving symlinks).</summary>
    public static IReadOnlyList<MountEntry> OfSource(string device)
    {
        string real = RealPath(device);
        return Read().Where(e => e.Source == device || e.Source == real).ToList();
    }

    public static string Normalize(string path)
    {
        string full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    public static string RealPath(string path)
    {
        FileSystemInfo? target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? Path.GetFullPath(path);
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as \ooo octal.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field.AsSpan(i + 1, 3)))
            {
                sb.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                sb.Append(field[i]);
            }
        }

        return sb.ToString();
    }

    private static bool IsOctal(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }
        }

        return true;
    }
}
