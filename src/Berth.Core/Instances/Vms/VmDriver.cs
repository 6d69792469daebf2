using System.Globalization;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Host.Cgroups;
using Berth.Core.Instances.Containers;
using Berth.Core.Instances.Vms.Qmp;

namespace Berth.Core.Instances.Vms;

/// <summary>
/// Runs kvm instances: one daemonized QEMU per VM, started paused, moved into the VM's cgroup, then let run. QEMU is
/// its own monitor: berthd finds it again after a restart by its pidfile and watches it with a pidfd.
/// </summary>
/// <remarks>Split by concern: this file (paths, disks, checks), Lifecycle (start, power-down, kill, delete).</remarks>
public sealed partial class VmDriver(BerthPaths paths, CommandRunner runner)
{
    /// <summary>Memory the VM's cgroup allows beyond ram: QEMU itself, its device models and TCG's translation cache.</summary>
    public const long MemoryOverheadMiB = 160;

    public const string OvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
    public const string OvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";

    private readonly SemaphoreSlim _probeLock = new(1, 1);
    private AccelChoice? _accel;

    public static bool IsVm(Manifest manifest) => manifest.Brand == "kvm";

    /// <summary>The run-time files of a VM: pidfile, QMP and console sockets, console log.</summary>
    public VmFiles Files(string uuid)
    {
        ContainerDriver.CheckUuid(uuid);
        return new VmFiles(Path.Combine(paths.RunDir, "vm", uuid));
    }

    /// <summary>The VM's cgroup, at the path crun would give a container of the same uuid.</summary>
    public string CgroupsPath(string uuid) => $"/{paths.CgroupParent.Trim('/')}/{uuid}";

    /// <summary>KVM when it really runs guests here, else TCG with the reason; probed once per daemon.</summary>
    public async Task<AccelChoice> AccelAsync(CancellationToken ct = default)
    {
        if (_accel is { } known)
        {
            return known;
        }

        await _probeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _accel ??= await KvmProbe.ProbeAsync(runner, ct).ConfigureAwait(false);
        }
        finally
        {
            _probeLock.Release();
        }
    }

    /// <summary>What the host must have for this VM: its kernel files, OVMF for uefi; refuses image disks (no zvol images yet).</summary>
    public static void CheckHost(Manifest m)
    {
        if (m.Bootrom == "uefi" && !File.Exists(OvmfCode))
        {
            throw BerthException.Invalid("bootrom", $"\"uefi\" needs OVMF, and {OvmfCode} is missing: install the ovmf package, or use \"bios\"");
        }

        foreach ((string property, string? file) in new[] { ("kernel", m.Kernel), ("initrd", m.Initrd) })
        {
            if (file is not null && !File.Exists(file))
            {
                throw BerthException.Invalid(property, $"\"{file}\" does not exist on this host");
            }
        }

        for (int i = 0; i < (m.Disks?.Count ?? 0); i++)
        {
            if (m.Disks![i].ImageUuid is not null)
            {
                throw BerthException.Invalid($"disks[{i}].image_uuid",
                    "disks cloned from images need images of type zvol, which Berth cannot import yet; give size for an empty disk");
            }
        }
    }

    /// <summary>Creates each disk as a sparse raw file in the VM's dataset and returns the manifest with their paths.</summary>
    public static Manifest CreateDisks(Manifest m, string datasetPath)
    {
        if (m.Disks is not { Count: > 0 } disks)
        {
            return m;
        }

        var made = new List<Disk>();
        for (int i = 0; i < disks.Count; i++)
        {
            Disk disk = disks[i];
            if (disk.Size is not long size)
            {
                made.Add(disk); // an empty cdrom drive
                continue;
            }

            string path = Path.Combine(datasetPath, string.Create(CultureInfo.InvariantCulture, $"disk{i}.raw"));
            try
            {
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.SetLength(size << 20);
            }
            catch (IOException e)
            {
                throw new BerthException(ErrorKind.Internal, $"Failed creating disks[{i}] at \"{path}\" ({size} MiB): {e.Message}", e);
            }

            made.Add(disk with { Path = path });
        }

        return m with { Disks = made };
    }

    // A pid can be reused: it is this VM's QEMU only if its command line names the uuid.
    private static bool IsQemuOf(int pid, string uuid)
    {
        try
        {
            string cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return ContainerDriver.ProcessAlive(pid) && cmdline.Contains("qemu-system", StringComparison.Ordinal) && cmdline.Contains(uuid, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    private static async Task<QmpClient> ConnectQmpAsync(VmFiles files, CancellationToken ct) =>
        await QmpClient.ConnectAsync(files.QmpSocket, ct).ConfigureAwait(false);
}
