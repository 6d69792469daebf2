using Berth.Api.Contracts;
using Berth.Core.Instances.Vms;
using Berth.Tests.Containers;
using Berth.Tests.Manifests;

namespace Berth.Tests.Vms;

public sealed class QemuCommandLineTests
{
    private const string Uuid = "7b2a1c3e-5d4f-4e6a-9b8c-0d1e2f3a4b5c";
    private static readonly VmFiles s_files = new("/run/berth/vm/" + Uuid);

    private static string Argv(QemuInput input) => string.Join('\n', QemuCommandLine.Build(input)) + "\n";

    private static Manifest Vm(string json) => ManifestJson.Valid(json.Replace("UUID", Uuid, StringComparison.Ordinal));

    [Fact]
    public void DirectKernelBootMatchesGolden()
    {
        Manifest m = Vm("{'uuid':'UUID','brand':'kvm','ram':128,'kernel':'/boot/vmlinuz','initrd':'/var/lib/i.cpio','kernel_args':'console=ttyS0 quiet',"
            + "'vnc_port':-1,'nics':[{'ips':['10.0.0.5/24'],'mac':'02:08:20:00:00:01'}]}");
        Golden.Verify("qemu-kernel.txt", Argv(new QemuInput(m, "tcg", s_files, [], ["vt-7b2a1c3e-0"])));
    }

    [Fact]
    public void DisksNicsVncAndUefiMatchGolden()
    {
        Manifest m = Vm("{'uuid':'UUID','brand':'kvm','ram':2048,'vcpus':2,'cpu_type':'host','bootrom':'uefi','vnc_port':5901,'vnc_password':'secret',"
            + "'disks':[{'size':10240,'boot':true},{'size':512,'model':'scsi'},{'size':512,'model':'nvme'},{'size':512,'model':'ide'},{'media':'cdrom'}],"
            + "'nics':[{'ips':['10.0.0.5/24'],'mac':'02:08:20:00:00:01'},{'ips':['10.0.1.5/24'],'mac':'02:08:20:00:00:02','model':'e1000'}]}");
        string dataset = "/var/lib/berth/pools/default/instances/" + Uuid;
        var input = new QemuInput(m, "kvm", s_files,
            [dataset + "/disk0.raw", dataset + "/disk1.raw", dataset + "/disk2.raw", dataset + "/disk3.raw", null],
            ["vt0", "vt1"], "/usr/share/OVMF/OVMF_CODE_4M.fd", dataset + "/uefi-vars.fd");
        Golden.Verify("qemu-full.txt", Argv(input));
    }

    [Fact]
    public void MicrovmUsesMmioDevicesMatchesGolden()
    {
        Manifest m = Vm("{'uuid':'UUID','brand':'kvm','machine_type':'microvm','kernel':'/k','disks':[{'size':64}],"
            + "'nics':[{'ips':['10.0.0.5/24'],'mac':'02:08:20:00:00:01'}]}");
        Golden.Verify("qemu-microvm.txt", Argv(new QemuInput(m, "tcg", s_files, ["/d/disk0.raw"], ["vt0"])));
    }

    [Fact]
    public void StartsPausedDaemonizedWithQmpAndALoggedSerialSocket()
    {
        IReadOnlyList<string> argv = QemuCommandLine.Build(new QemuInput(Vm("{'uuid':'UUID','brand':'kvm','kernel':'/k'}"), "kvm", s_files, [], []));

        Assert.Contains("-S", argv);
        Assert.Contains("-daemonize", argv);
        Assert.Equal("kvm", argv[argv.ToList().IndexOf("-accel") + 1]);
        Assert.Contains($"unix:{s_files.QmpSocket},server=on,wait=off", argv);
        Assert.Contains(argv, a => a.Contains($"path={s_files.ConsoleSocket}", StringComparison.Ordinal) && a.Contains($"logfile={s_files.ConsoleLog}", StringComparison.Ordinal));
        Assert.Equal("256", argv[argv.ToList().IndexOf("-m") + 1]);
    }

    [Fact]
    public void BuildIsDeterministic()
    {
        Manifest m = Vm("{'uuid':'UUID','brand':'kvm','disks':[{'size':64}]}");
        Assert.Equal(QemuCommandLine.Build(new QemuInput(m, "tcg", s_files, ["/d"], [])), QemuCommandLine.Build(new QemuInput(m, "tcg", s_files, ["/d"], [])));
    }
}
