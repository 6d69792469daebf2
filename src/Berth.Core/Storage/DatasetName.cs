using System.Text.RegularExpressions;

namespace Berth.Core.Storage;

/// <summary>Dataset names are "group/name" ("images/UUID", "instances/UUID"): two safe path segments, never a path that escapes the pool.</summary>
internal static partial class DatasetName
{
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$")]
    private static partial Regex Segment();

    /// <summary>Splits a dataset name into its group and name, or throws InvalidArgument.</summary>
    public static (string Group, string Name) Parse(string dataset)
    {
        string[] parts = dataset.Split('/');
        if (parts.Length != 2 || !Segment().IsMatch(parts[0]) || !Segment().IsMatch(parts[1]))
        {
            throw BerthException.Invalid("dataset", $"\"{dataset}\" is not a dataset name of the form group/name (letters, digits, '_', '.', '-')");
        }

        return (parts[0], parts[1]);
    }

    /// <summary>Validates a ListAsync prefix: empty for all groups, or one group name.</summary>
    public static void ValidateGroup(string prefix)
    {
        if (prefix.Length != 0 && !Segment().IsMatch(prefix))
        {
            throw BerthException.Invalid("prefix", $"\"{prefix}\" is not a dataset group such as \"instances\"");
        }
    }

    /// <summary>The datasets below <paramref name="prefix"/> (all groups when empty) of a pool rooted at <paramref name="root"/>, sorted.</summary>
    public static IReadOnlyList<string> List(string root, string prefix, Func<string, bool> isDataset)
    {
        ValidateGroup(prefix);
        IEnumerable<string> groups = prefix.Length == 0
            ? Directory.Exists(root) ? Directory.EnumerateDirectories(root).Select(Path.GetFileName).OfType<string>().Where(g => Segment().IsMatch(g)) : []
            : [prefix];
        var result = new List<string>();
        foreach (string group in groups)
        {
            string groupDir = Path.Combine(root, group);
            if (!Directory.Exists(groupDir))
            {
                continue;
            }

            foreach (string dir in Directory.EnumerateDirectories(groupDir))
            {
                string name = Path.GetFileName(dir);
                if (Segment().IsMatch(name) && isDataset(dir))
                {
                    result.Add($"{group}/{name}");
                }
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }
}
