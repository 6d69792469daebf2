using System.Runtime.InteropServices;

namespace Berth.SystemTests;

/// <summary>System tests need root: they skip with that reason otherwise.</summary>
internal static partial class RootOnly
{
    public static void Require() =>
        Assert.SkipWhen(geteuid() != 0, "needs root (system tests drive crun, btrfs and network namespaces)");

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
