using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>setns(2): moves the calling thread (only it) into the namespace <paramref name="namespaceFd"/> refers to.</summary>
internal static partial class Setns
{
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>Enters the namespace; returns 0 or the errno, so a caller restoring its namespace can decide to end the thread.</summary>
    public static int Enter(SafeFdHandle namespaceFd, int nstype)
    {
        int rc = setns(namespaceFd, nstype);
        return rc == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(SafeFdHandle fd, int nstype);
}
