namespace Berth.Tests.Stats;

/// <summary>A temp directory laid out like cgroupfs (v2: one tree; v1: a hierarchy per controller), with the files the kernel would show.</summary>
internal sealed class FakeCgroupfs : IDisposable
{
    public const string Path = "/berth/0c7e5ad2-3f0b-4b9e-9f55-5d2b7c1e9a01";

    public FakeCgroupfs()
    {
        Root = Directory.CreateTempSubdirectory("berth-fake-cgroupfs-").FullName;
    }

    public string Root { get; }

    /// <summary>The instance's directory in the v2 tree, or in a v1 controller's hierarchy.</summary>
    public string Dir(string? controller = null) =>
        System.IO.Path.Combine(controller is null ? Root : System.IO.Path.Combine(Root, controller), Path.TrimStart('/'));

    public void Write(string? controller, string file, string content)
    {
        Directory.CreateDirectory(Dir(controller));
        File.WriteAllText(System.IO.Path.Combine(Dir(controller), file), content);
    }

    public string Read(string? controller, string file) => File.ReadAllText(System.IO.Path.Combine(Dir(controller), file)).Trim();

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
