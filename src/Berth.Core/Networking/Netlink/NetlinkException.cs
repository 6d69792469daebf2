using System.Runtime.InteropServices;

namespace Berth.Core.Networking.Netlink;

/// <summary>A request the kernel answered with an error: names the operation and the errno ("adding veth vb1_0: File exists (EEXIST)").</summary>
internal sealed class NetlinkException(string operation, int errno)
    : IOException($"{operation}: {Marshal.GetPInvokeErrorMessage(errno)} ({ErrnoName(errno)})", errno)
{
    public const int ENODEV = 19;
    public const int EEXIST = 17;

    public string Operation { get; } = operation;

    public int Errno { get; } = errno;

    public static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        9 => "EBADF",
        12 => "ENOMEM",
        13 => "EACCES",
        16 => "EBUSY",
        17 => "EEXIST",
        19 => "ENODEV",
        22 => "EINVAL",
        34 => "ERANGE",
        71 => "EPROTO",
        90 => "EMSGSIZE",
        95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT",
        99 => "EADDRNOTAVAIL",
        101 => "ENETUNREACH",
        105 => "ENOBUFS",
        _ => $"errno {errno}",
    };
}
