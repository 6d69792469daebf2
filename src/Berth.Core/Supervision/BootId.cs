namespace Berth.Core.Supervision;

/// <summary>The kernel's boot id: a new one means the host booted since berthd last started.</summary>
public static class BootId
{
    public const string DefaultPath = "/proc/sys/kernel/random/boot_id";

    /// <summary>Reads the boot id from <paramref name="path"/> (a configuration key, so tests can simulate a reboot).</summary>
    public static string Read(string path = DefaultPath)
    {
        try
        {
            string id = File.ReadAllText(path).Trim();
            return id.Length > 0 ? id : throw new BerthException(ErrorKind.Unavailable, $"Failed reading the boot id: \"{path}\" is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BerthException(ErrorKind.Unavailable, $"Failed reading the boot id from \"{path}\": {e.Message}", e);
        }
    }
}
