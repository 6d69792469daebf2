namespace Berth.Core.Storage;

/// <summary>The bytes of the files below a directory, for drivers that cannot ask the filesystem.</summary>
internal static class DirectoryBytes
{
    public static long Of(string dir)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return new DirectoryInfo(dir).EnumerateFiles("*", options).Sum(f => f.Length);
    }
}
