using System.Globalization;
using System.Text.Json.Nodes;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.Core.Host.Cgroups;
using Berth.Core.Instances.Containers;
using Berth.Core.Instances.Vms.Qmp;

namespace Berth.Core.Instances.Vms;

public sealed partial class VmDriver
{
    /// <summary>
    /// Starts the VM's QEMU: daemonized and paused, moved into the VM's cgroup (ram + overhead, cpu_cap, cpu_shares),
    /// VNC password set, then continued. Returns QEMU's pid. A failure leaves no QEMU, cgroup or socket behind.
    /// </summary>
    /// <param name="datasetPath">the VM's dataset (disks, UEFI variables)</param>
    /// <param name="taps">the tap device of each nic</param>
    public async Task<int> StartAsync(Manifest m, string datasetPath, IReadOnlyList<string> taps, AccelChoice accel, CancellationToken ct = default)
    {
        string uuid = m.Uuid!;
        VmFiles files = Files(uuid);
        if (Pid(uuid) is int running)
        {
            throw new BerthException(ErrorKind.AlreadyExists, $"Failed starting VM {uuid}: its QEMU (pid {running}) still runs");
        }

        var cgroup = new ProcessCgroup(CgroupsPath(uuid));
        try
        {
            Directory.CreateDirectory(files.Dir);
            foreach (string stale in new[] { files.PidFile, files.QmpSocket, files.ConsoleSocket })
            {
                File.Delete(stale);
            }

            string? vars = null;
            if (m.Bootrom == "uefi")
            {
                vars = Path.Combine(datasetPath, "uefi-vars.fd");
                if (!File.Exists(vars))
                {
                    File.Copy(OvmfVars, vars);
                }
            }

            IReadOnlyList<string?> disks = [.. (m.Disks ?? []).Select(d => d.Path)];
            IReadOnlyList<string> argv = QemuCommandLine.Build(new QemuInput(m, accel.Name, files, disks, taps, OvmfCode, vars));
            cgroup.Create((m.Ram!.Value + MemoryOverheadMiB) << 20, m.CpuCap ?? 0, m.CpuShares ?? 100, OciSpecBuilder.CpuPeriodMicros);

            CommandResult qemu = await runner.RunAsync(QemuCommandLine.Binary, argv, ct: ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(files.StartLog, CommandRunner.Quote(qemu.Argv) + "\n" + qemu.Stderr, ct).ConfigureAwait(false);
            if (!qemu.Succeeded)
            {
                throw new CommandFailedException(qemu);
            }

            int pid = ReadPid(files) ?? throw new BerthException(ErrorKind.Internal, $"QEMU started but wrote no pidfile at \"{files.PidFile}\"");
            cgroup.Add(pid);
            await using QmpClient qmp = await ConnectQmpAsync(files, ct).ConfigureAwait(false);
            if (m.VncPassword is { } password && m.VncPort != -1)
            {
                await qmp.ExecuteAsync("change-vnc-password", new JsonObject { ["password"] = password }, ct).ConfigureAwait(false);
            }

            await qmp.ExecuteAsync("cont", null, ct).ConfigureAwait(false);
            return pid;
        }
        catch (Exception e)
        {
            try
            {
                await DeleteAsync(uuid, keepLog: true).ConfigureAwait(false);
            }
            catch (Exception undo)
            {
                throw new BerthException(ErrorKind.Internal, $"Failed starting VM {uuid}: {e.Message}; and cleaning up failed too: {undo.Message}", e);
            }

            throw new BerthException((e as BerthException)?.Kind ?? ErrorKind.Internal, $"Failed starting VM {uuid}: {e.Message}", e);
        }
    }

    /// <summary>Presses the VM's ACPI power button (QMP system_powerdown); the guest decides whether to power off.</summary>
    public async Task PowerdownAsync(string uuid, CancellationToken ct = default)
    {
        await using QmpClient qmp = await ConnectQmpAsync(Files(uuid), ct).ConfigureAwait(false);
        await qmp.ExecuteAsync("system_powerdown", null, ct).ConfigureAwait(false);
    }

    /// <summary>Resets the VM like its reset button (QMP system_reset).</summary>
    public async Task ResetAsync(string uuid, CancellationToken ct = default)
    {
        await using QmpClient qmp = await ConnectQmpAsync(Files(uuid), ct).ConfigureAwait(false);
        await qmp.ExecuteAsync("system_reset", null, ct).ConfigureAwait(false);
    }

    /// <summary>Runs one QMP command against a running VM (vm info, sysrq).</summary>
    public async Task<System.Text.Json.JsonElement> QmpAsync(string uuid, string command, JsonObject? arguments = null, CancellationToken ct = default)
    {
        await using QmpClient qmp = await ConnectQmpAsync(Files(uuid), ct).ConfigureAwait(false);
        return await qmp.ExecuteAsync(command, arguments, ct).ConfigureAwait(false);
    }

    /// <summary>SIGKILLs the VM's QEMU if it runs.</summary>
    public void Kill(string uuid)
    {
        if (Pid(uuid) is int pid)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
    }

    /// <summary>The pid of the VM's QEMU while it runs, else null.</summary>
    public int? Pid(string uuid)
    {
        int? pid = ReadPid(Files(uuid));
        return pid is int p && IsQemuOf(p, uuid) ? p : null;
    }

    /// <summary>Releases what a VM whose QEMU has exited held: sockets, pidfile, cgroup. The console log stays until delete.</summary>
    public async Task CleanUpAsync(string uuid)
    {
        VmFiles files = Files(uuid);
        if (!Directory.Exists(files.Dir))
        {
            return; // never started here (or a container's uuid): nothing of a QEMU to release
        }

        foreach (string file in new[] { files.PidFile, files.QmpSocket, files.ConsoleSocket })
        {
            File.Delete(file);
        }

        await new ProcessCgroup(CgroupsPath(uuid)).DeleteAsync().ConfigureAwait(false);
    }

    /// <summary>Kills the VM's QEMU and removes its cgroup and run-time files. Idempotent.</summary>
    public async Task DeleteAsync(string uuid, bool keepLog = false)
    {
        VmFiles files = Files(uuid);
        if (Pid(uuid) is int pid)
        {
            Kill(uuid);
            await PidWatcher.Shared.WaitForExitAsync(pid).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        await CleanUpAsync(uuid).ConfigureAwait(false);
        if (!keepLog && Directory.Exists(files.Dir))
        {
            Directory.Delete(files.Dir, recursive: true);
        }
    }

    /// <summary>The uuids of VMs that have run-time files here, for reconciliation.</summary>
    public IReadOnlyList<string> List()
    {
        string dir = Path.Combine(paths.RunDir, "vm");
        return Directory.Exists(dir) ? [.. Directory.GetDirectories(dir).Select(Path.GetFileName).OfType<string>()] : [];
    }

    private static int? ReadPid(VmFiles files) => ContainerDriver.ReadPidFile(files.PidFile);
}
