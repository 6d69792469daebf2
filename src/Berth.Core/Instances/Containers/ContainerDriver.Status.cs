using System.Globalization;

namespace Berth.Core.Instances.Containers;

public sealed partial class ContainerDriver
{
    /// <summary>What crun says of the container, or null when crun does not know it.</summary>
    public async Task<ContainerStatus?> GetStatusAsync(string uuid, CancellationToken ct = default)
    {
        CheckUuid(uuid);
        try
        {
            return await _crun.StateAsync(uuid, ct).ConfigureAwait(false);
        }
        catch (Host.CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed reading the state of container {uuid}: {e.Message}", e);
        }
    }

    /// <summary>Init's exit status as the monitor recorded it (also for exits while berthd was down); null while it runs.</summary>
    public int? ReadExitStatus(string uuid)
    {
        CheckUuid(uuid);
        return ReadPidFile(Path.Combine(ExitDir(uuid), uuid));
    }

    /// <summary>The pid of the instance's monitor (conmon), or null when it has none recorded.</summary>
    public int? MonitorPid(string uuid)
    {
        CheckUuid(uuid);
        return ReadPidFile(ConmonPidFile(uuid));
    }

    /// <summary>Whether the recorded monitor of the instance still runs.</summary>
    public bool MonitorAlive(string uuid) => MonitorPid(uuid) is int pid && IsMonitorOf(pid, uuid);

    /// <summary>The monitor's console attach socket (SOCK_SEQPACKET; conmon's attach protocol).</summary>
    public string AttachSocketPath(string uuid)
    {
        CheckUuid(uuid);
        return Path.Combine(AttachLinkPath(uuid), "attach");
    }

    /// <summary>The ids of every container in this daemon's crun root, for reconciliation.</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default)
    {
        try
        {
            return await _crun.ListAsync(ct).ConfigureAwait(false);
        }
        catch (Host.CommandFailedException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed listing containers in \"{_crun.Root}\": {e.Message}", e);
        }
    }

    private string AttachLinkPath(string uuid) => Path.Combine(SocketsDir, uuid);

    internal static int? ReadPidFile(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    // A zombie (reaped late by the host's pid 1) has stopped running too.
    internal static bool ProcessAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 1)..].TrimStart() is [not ('Z' or 'X'), ..];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    // A pid can be reused: it is our monitor only if its command line is conmon's for this uuid.
    private static bool IsMonitorOf(int pid, string uuid)
    {
        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("conmon", StringComparison.Ordinal) && cmdline.Contains(uuid, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
