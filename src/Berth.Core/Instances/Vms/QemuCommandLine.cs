using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Core.Instances.Vms;

/// <summary>Everything the QEMU command line of one VM depends on besides its manifest: host paths and names.</summary>
/// <param name="Accel">kvm or tcg</param>
/// <param name="DiskPaths">the file of each disk, by index (null: an empty cdrom drive)</param>
/// <param name="TapNames">the host tap device of each nic, by index</param>
/// <param name="UefiCode">OVMF's code image (read-only pflash), when bootrom is uefi</param>
/// <param name="UefiVars">the VM's own copy of OVMF's variable store, when bootrom is uefi</param>
public sealed record QemuInput(
    Manifest Manifest,
    string Accel,
    VmFiles Files,
    IReadOnlyList<string?> DiskPaths,
    IReadOnlyList<string> TapNames,
    string? UefiCode = null,
    string? UefiVars = null);

/// <summary>Builds the argv of one VM's QEMU from its manifest (pure: same input, same argv; golden-tested).</summary>
/// <remarks>
/// QEMU starts paused (-S) and daemonized, so that berthd can move it into the VM's cgroup before the guest runs
/// (its memory is charged there from the first page) and so that it outlives berthd.
/// </remarks>
public static class QemuCommandLine
{
    public const string Binary = "qemu-system-x86_64";

    /// <summary>TCG's translation cache in MiB; QEMU's default (1 GiB on 64-bit hosts) would dwarf a small guest's memory cap.</summary>
    public const int TcgCacheMiB = 64;

    public static IReadOnlyList<string> Build(QemuInput input)
    {
        Manifest m = input.Manifest;
        bool microvm = m.MachineType == "microvm";
        var argv = new List<string>
        {
            // The uuid in -name is how berthd recognises its QEMU in /proc after a restart.
            "-name", $"{m.Uuid},process=berth-vm",
            "-uuid", m.Uuid!,
            "-machine", microvm ? "microvm" : "q35",
            "-accel", input.Accel == "kvm" ? "kvm" : Invariant($"tcg,tb-size={TcgCacheMiB}"),
            "-cpu", m.CpuType ?? "qemu64",
            "-smp", Invariant($"{m.Vcpus ?? 1}"),
            "-m", Invariant($"{m.Ram}"),
            "-nodefaults", "-no-user-config",
            "-display", "none",
            "-S",
            "-daemonize",
            "-pidfile", input.Files.PidFile,
            "-qmp", $"unix:{input.Files.QmpSocket},server=on,wait=off",
            // The serial console is a socket for `vm console` and is logged whether or not anyone is attached.
            "-chardev", $"socket,id=console,path={input.Files.ConsoleSocket},server=on,wait=off,logfile={input.Files.ConsoleLog},logappend=on",
            "-serial", "chardev:console",
        };

        AddVnc(argv, m);
        if (m.Bootrom == "uefi")
        {
            argv.AddRange(["-drive", $"if=pflash,format=raw,unit=0,readonly=on,file={input.UefiCode}"]);
            argv.AddRange(["-drive", $"if=pflash,format=raw,unit=1,file={input.UefiVars}"]);
        }

        if (m.Kernel is { } kernel)
        {
            argv.AddRange(["-kernel", kernel]);
            if (m.Initrd is { } initrd)
            {
                argv.AddRange(["-initrd", initrd]);
            }

            if (m.KernelArgs is { } args)
            {
                argv.AddRange(["-append", args]);
            }
        }

        AddDisks(argv, m, input.DiskPaths, microvm);
        AddNics(argv, m, input.TapNames, microvm);
        return argv;
    }

    private static void AddVnc(List<string> argv, Manifest m)
    {
        string password = m.VncPassword is null ? "" : ",password=on";
        switch (m.VncPort)
        {
            case -1:
                return;
            case null or 0:
                // The first free display from :0 up; `vm info ID vnc` tells which.
                argv.AddRange(["-vnc", $"127.0.0.1:0,to=99{password}"]);
                return;
            default:
                argv.AddRange(["-vnc", Invariant($"127.0.0.1:{m.VncPort - 5900}{password}")]);
                return;
        }
    }

    private static void AddDisks(List<string> argv, Manifest m, IReadOnlyList<string?> paths, bool microvm)
    {
        IReadOnlyList<Disk> disks = m.Disks ?? [];
        if (!microvm && disks.Any(d => d.Model == "scsi"))
        {
            argv.AddRange(["-device", "virtio-scsi-pci,id=scsi0"]);
        }

        int ide = 0;
        for (int i = 0; i < disks.Count; i++)
        {
            Disk disk = disks[i];
            bool cdrom = disk.Media == "cdrom";
            string id = Invariant($"disk{i}");
            // An empty cdrom drive has no file, so no format either.
            string drive = paths[i] is { } path
                ? $"file={path},if=none,id={id},format=raw{(cdrom ? ",media=cdrom,readonly=on" : "")}"
                : $"if=none,id={id},media=cdrom";
            argv.AddRange(["-drive", drive]);
            string boot = disk.Boot == true ? ",bootindex=0" : "";
            string device = (disk.Model, cdrom) switch
            {
                (_, _) when microvm => $"virtio-blk-device,drive={id}",
                ("scsi", true) => $"scsi-cd,drive={id},bus=scsi0.0",
                ("scsi", false) => $"scsi-hd,drive={id},bus=scsi0.0",
                ("nvme", false) => $"nvme,drive={id},serial={id}",
                // virtio-blk and nvme have no removable media: a cdrom sits on the q35 AHCI bus.
                (_, true) or ("ide", _) => Invariant($"{(cdrom ? "ide-cd" : "ide-hd")},drive={id},bus=ide.{ide++}"),
                _ => $"virtio-blk-pci,drive={id}",
            };
            argv.AddRange(["-device", device + boot]);
        }
    }

    private static void AddNics(List<string> argv, Manifest m, IReadOnlyList<string> taps, bool microvm)
    {
        IReadOnlyList<Nic> nics = m.Nics ?? [];
        for (int i = 0; i < nics.Count; i++)
        {
            string id = Invariant($"net{i}");
            argv.AddRange(["-netdev", $"tap,id={id},ifname={taps[i]},script=no,downscript=no"]);
            string model = microvm ? "virtio-net-device" : nics[i].Model == "e1000" ? "e1000" : "virtio-net-pci";
            argv.AddRange(["-device", $"{model},netdev={id},mac={nics[i].Mac}"]);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
