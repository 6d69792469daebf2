using System.Text;
using System.Text.RegularExpressions;

namespace Berth.Core.Supervision;

/// <summary>The last lines of an instance's console log (conmon's CRI format: <c>TIME STREAM F|P TEXT</c>).</summary>
public static partial class ConsoleTail
{
    public const int DefaultLines = 10;

    private const int MaxLineLength = 240;
    private const int MaxBytesRead = 64 * 1024;

    /// <summary>Up to <paramref name="lines"/> last non-empty lines of the log; none when it is missing.</summary>
    public static IReadOnlyList<string> Read(string path, int lines = DefaultLines)
    {
        string text;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long start = Math.Max(0, file.Length - MaxBytesRead);
            file.Seek(start, SeekOrigin.Begin);
            using var reader = new StreamReader(file, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return Parse(text, lines);
    }

    /// <summary>Joins partial (P) records, strips the CRI prefix and terminal noise, keeps the last lines.</summary>
    public static IReadOnlyList<string> Parse(string log, int lines = DefaultLines)
    {
        var result = new List<string>();
        var partial = new StringBuilder();
        foreach (string raw in log.Split('\n'))
        {
            Match m = CriLine().Match(raw);
            if (!m.Success)
            {
                Add(result, raw); // not CRI: keep it as it is
                continue;
            }

            partial.Append(m.Groups["text"].Value);
            if (m.Groups["tag"].Value == "F")
            {
                foreach (string line in partial.ToString().Split('\n'))
                {
                    Add(result, line);
                }

                partial.Clear();
            }
        }

        Add(result, partial.ToString());
        return result.Count > lines ? result[^lines..] : result;
    }

    private static void Add(List<string> result, string line)
    {
        string clean = AnsiEscape().Replace(line, "").Replace("\r", "", StringComparison.Ordinal).TrimEnd();
        if (clean.Length > 0)
        {
            result.Add(clean.Length > MaxLineLength ? clean[..MaxLineLength] + "..." : clean);
        }
    }

    [GeneratedRegex(@"^\S+ (stdout|stderr) (?<tag>[FP]) ?(?<text>.*)$")]
    private static partial Regex CriLine();

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();
}
