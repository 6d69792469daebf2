namespace Berth.Core.Storage;

/// <summary>What every driver answers the same way from its root directory: the dataset list and the usage.</summary>
internal static class PoolRoot
{
    public static string DatasetPath(string root, string dataset)
    {
        var (group, name) = DatasetName.Parse(dataset);
        return Path.Combine(root, group, name);
    }

    public static string ExistingDatasetPath(string root, string dataset)
    {
        string path = DatasetPath(root, dataset);
        return Directory.Exists(path) ? path : throw BerthException.NotFound($"dataset \"{dataset}\" does not exist");
    }

    public static Task<IReadOnlyList<string>> ListAsync(string root, string prefix)
    {
        try
        {
            return Task.FromResult(DatasetName.List(root, prefix, _ => true));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BerthException)
        {
            return Task.FromException<IReadOnlyList<string>>(StorageErrors.From($"Failed listing datasets of \"{root}\"", e));
        }
    }

    public static Task<PoolUsage> UsageAsync(string root)
    {
        try
        {
            return Task.FromResult(StorageErrors.Usage(root));
        }
        catch (IOException e)
        {
            return Task.FromException<PoolUsage>(StorageErrors.From($"Failed reading usage of \"{root}\"", e));
        }
    }
}
