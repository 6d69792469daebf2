using Berth.Core.Host.Interop;

namespace Berth.Core.Storage;

/// <summary>Turns a failed system call into a BerthException that says what failed and keeps the cause.</summary>
internal static class StorageErrors
{
    public static BerthException From(string what, Exception cause) => cause switch
    {
        BerthException b => b,
        ErrnoException { Errno: ErrnoException.EEXIST } => new BerthException(ErrorKind.AlreadyExists, $"{what}: {cause.Message}", cause),
        ErrnoException { Errno: ErrnoException.ENOENT } => new BerthException(ErrorKind.NotFound, $"{what}: {cause.Message}", cause),
        ErrnoException { Errno: ErrnoException.EBUSY } => new BerthException(ErrorKind.Conflict, $"{what}: {cause.Message}", cause),
        _ => new BerthException(ErrorKind.Internal, $"{what}: {cause.Message}", cause),
    };

    /// <summary>Runs a synchronous storage step as a Task, failing the Task with a wrapped error.</summary>
    public static Task Run(string what, Action step)
    {
        try
        {
            step();
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or BerthException)
        {
            return Task.FromException(From(what, e));
        }
    }

    /// <summary>Runs a synchronous storage step that answers, as a Task.</summary>
    public static Task<T> Run<T>(string what, Func<T> step)
    {
        try
        {
            return Task.FromResult(step());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or BerthException or FormatException)
        {
            return Task.FromException<T>(From(what, e));
        }
    }

    public static PoolUsage Usage(string mountpoint)
    {
        Statvfs.Result s = Statvfs.Get(mountpoint);
        long unit = (long)s.FragmentSize;
        return new PoolUsage((long)s.Blocks * unit, (long)(s.Blocks - s.BlocksFree) * unit, (long)s.BlocksAvailable * unit);
    }
}
