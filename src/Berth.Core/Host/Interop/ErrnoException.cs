using System.Runtime.InteropServices;

namespace Berth.Core.Host.Interop;

/// <summary>A failed system call: keeps the errno so callers can map it (EEXIST, ENOENT, EDQUOT...).</summary>
internal sealed class ErrnoException(string call, int errno)
    : IOException($"{call}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno)
{
    public const int ENOENT = 2;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;
    public const int EOPNOTSUPP = 95;
    public const int EDQUOT = 122;

    public int Errno { get; } = errno;

    /// <summary>Throws with the last P/Invoke errno when a libc call returned -1.</summary>
    public static void ThrowIfFailed(int rc, string call)
    {
        if (rc < 0)
        {
            throw new ErrnoException(call, Marshal.GetLastPInvokeError());
        }
    }
}
