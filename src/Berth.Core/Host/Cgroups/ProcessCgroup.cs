using System.Globalization;

namespace Berth.Core.Host.Cgroups;

/// <summary>
/// A cgroup berthd makes itself for a process it starts (a VM's QEMU), where crun makes a container's: the memory,
/// cpu and pids controllers (v1 hierarchies, or the v2 tree), limits written, the process moved in.
/// </summary>
public sealed class ProcessCgroup
{
    private static readonly string[] s_controllers = ["memory", "cpu", "cpuacct", "pids"];
    private readonly InstanceCgroup _cgroup;

    /// <param name="cgroupsPath">the same path crun would use, for example "/berth/&lt;uuid&gt;"</param>
    public ProcessCgroup(string cgroupsPath) => _cgroup = new InstanceCgroup(cgroupsPath);

    public InstanceCgroup Cgroup => _cgroup;

    private IEnumerable<string> Dirs => _cgroup.Mode == CgroupMode.V2
        ? [_cgroup.ControllerDir("memory")!]
        : s_controllers.Select(_cgroup.ControllerDir).OfType<string>().Distinct();

    /// <summary>Creates the cgroup and writes its limits; memory and swap capped at <paramref name="memoryBytes"/>.</summary>
    public void Create(long memoryBytes, long cpuCapPercent, long cpuShares, long cpuPeriodMicros)
    {
        foreach (string dir in Dirs)
        {
            Directory.CreateDirectory(dir);
        }

        try
        {
            if (_cgroup.Mode == CgroupMode.V2)
            {
                Write("memory", "memory.max", memoryBytes);
                Write("memory", "memory.swap.max", 0, optional: true);
                Write("cpu", "cpu.weight", Math.Clamp(cpuShares * 100 / 1024, 1, 10000), optional: true);
                if (cpuCapPercent > 0)
                {
                    Write("cpu", "cpu.max", string.Create(CultureInfo.InvariantCulture, $"{cpuCapPercent * cpuPeriodMicros / 100} {cpuPeriodMicros}"));
                }

                return;
            }

            // v1: memory first, then memory+swap, which may never be below it.
            Write("memory", "memory.limit_in_bytes", memoryBytes);
            Write("memory", "memory.memsw.limit_in_bytes", memoryBytes, optional: true);
            Write("cpu", "cpu.shares", cpuShares);
            if (cpuCapPercent > 0)
            {
                Write("cpu", "cpu.cfs_period_us", cpuPeriodMicros);
                Write("cpu", "cpu.cfs_quota_us", cpuCapPercent * cpuPeriodMicros / 100);
            }
        }
        catch (IOException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed setting limits of cgroup {_cgroup.CgroupsPath}: {e.Message}", e);
        }
    }

    /// <summary>Moves a process (all its threads) into the cgroup.</summary>
    public void Add(int pid)
    {
        foreach (string dir in Dirs)
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Removes the cgroup once its processes are gone; idempotent.</summary>
    public async Task DeleteAsync()
    {
        foreach (string dir in _cgroup.ExistingDirectories)
        {
            // A process that just died leaves the cgroup a moment later.
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.Delete(dir);
                    break;
                }
                catch (DirectoryNotFoundException)
                {
                    break;
                }
                catch (IOException) when (attempt < 50)
                {
                    await Task.Delay(20).ConfigureAwait(false);
                }
            }
        }
    }

    private void Write(string controller, string file, long value, bool optional = false) =>
        Write(controller, file, value.ToString(CultureInfo.InvariantCulture), optional);

    private void Write(string controller, string file, string value, bool optional = false)
    {
        string path = Path.Combine(_cgroup.ControllerDir(controller)!, file);
        if (optional && !File.Exists(path))
        {
            return;
        }

        File.WriteAllText(path, value);
    }
}
