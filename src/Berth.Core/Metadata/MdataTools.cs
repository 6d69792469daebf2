namespace Berth.Core.Metadata;

/// <summary>
/// The guest's metadata tools: static binaries (native/mdata, built at install) mounted read-only into every lx
/// instance at /native/usr/sbin (as on SmartOS lx) and each at /usr/sbin, so that they are on the PATH
/// without the image carrying them.
/// </summary>
public static class MdataTools
{
    public const string GuestDir = "/native/usr/sbin";

    public const string PathDir = "/usr/sbin";

    public static IReadOnlyList<string> Names { get; } = ["mdata-get", "mdata-put", "mdata-delete", "mdata-list"];

    /// <summary>The directory when it holds every tool, else null (the instance then gets the socket but no tools).</summary>
    public static string? Usable(string? dir) =>
        dir is not null && Names.All(name => File.Exists(Path.Combine(dir, name))) ? dir : null;
}
