using System.Text.RegularExpressions;

namespace Berth.Core.Storage;

/// <summary>Snapshot names: one safe path segment, and where each driver keeps a dataset's snapshots.</summary>
internal static partial class SnapshotName
{
    /// <summary>Snapshots live beside the datasets in a hidden tree that dataset listings skip: .snapshots/GROUP/NAME/SNAPSHOT.</summary>
    public const string Tree = ".snapshots";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
    private static partial Regex Valid();

    public static void Validate(string name)
    {
        if (!Valid().IsMatch(name))
        {
            throw BerthException.Invalid("name", $"\"{name}\" is not a snapshot name (1-64 of letters, digits, _ . : -, starting with a letter or digit)");
        }
    }

    public static string Dir(string root, string dataset)
    {
        var (group, name) = DatasetName.Parse(dataset);
        return Path.Combine(root, Tree, group, name);
    }

    /// <summary>The snapshots of a dataset, oldest first, with the creation time a driver reads for each (default: the directory's birth time).</summary>
    public static IReadOnlyList<SnapshotInfo> List(string root, string dataset, Func<string, DateTimeOffset>? createdAt = null)
    {
        createdAt ??= d => new DateTimeOffset(Directory.GetCreationTimeUtc(d), TimeSpan.Zero);
        string dir = Dir(root, dataset);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(dir)
            .Where(d => Valid().IsMatch(Path.GetFileName(d)))
            .Select(d => new SnapshotInfo(Path.GetFileName(d), createdAt(d), null))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    public static string PathOf(string root, string dataset, string name, bool mustExist)
    {
        Validate(name);
        string path = Path.Combine(Dir(root, dataset), name);
        if (mustExist && !Directory.Exists(path))
        {
            throw BerthException.NotFound($"snapshot \"{name}\" of \"{dataset}\" not found");
        }

        if (!mustExist && Directory.Exists(path))
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"snapshot \"{name}\" of \"{dataset}\" already exists");
        }

        return path;
    }
}
