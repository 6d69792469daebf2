using Berth.Api.Contracts;
using Berth.Core;

namespace Berth.Tests.Manifests;

public sealed class VmManifestTests
{
    [Fact]
    public void MinimalVmGetsVmDefaultsAndNoContainerOnes()
    {
        Manifest m = ManifestJson.Valid("{'brand':'kvm','kernel':'/boot/vmlinuz'}");

        Assert.Equal("kvm", m.Brand);
        Assert.Equal(256, m.Ram);
        Assert.Equal(1, m.Vcpus);
        Assert.Equal("qemu64", m.CpuType);
        Assert.Equal("bios", m.Bootrom);
        Assert.Equal("q35", m.MachineType);
        Assert.Equal(0, m.VncPort);
        Assert.Equal(100, m.CpuShares);
        Assert.Null(m.ImageUuid);
        Assert.Null(m.MaxPhysicalMemory);
        Assert.Null(m.MaxSwap);
        Assert.Null(m.MaxLwps);
        Assert.Null(m.Quota);
    }

    [Fact]
    public void DisksAndNicsGetTheirDefaults()
    {
        Manifest m = ManifestJson.Valid(
            "{'brand':'kvm','disks':[{'size':1024,'boot':true},{'media':'cdrom'}],'nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','model':'e1000'},{'ips':['10.0.1.5/24']}]}");

        Assert.Equal(2, m.Disks!.Count);
        Assert.Equal(new Disk { Size = 1024, Boot = true, Model = "virtio", Media = "disk" }, m.Disks[0]);
        Assert.Equal(new Disk { Boot = false, Model = "virtio", Media = "cdrom" }, m.Disks[1]);
        Assert.Equal("e1000", m.Nics![0].Model);
        Assert.Equal("virtio", m.Nics[1].Model);
    }

    [Fact]
    public void ContainerNicsHaveNoModel()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0'}]}");

        Assert.Null(m.Nics![0].Model);
    }

    [Theory]
    [InlineData("{'brand':'kvm'}", "disks", "needs a kernel or at least one disk")]
    [InlineData("{'brand':'kvm','kernel':'/k','max_physical_memory':512}", "max_physical_memory", "is not a property of brand kvm")]
    [InlineData("{'brand':'kvm','kernel':'/k','quota':5}", "quota", "is not a property of brand kvm")]
    [InlineData("{'brand':'kvm','kernel':'boot/vmlinuz'}", "kernel", "is not an absolute path")]
    [InlineData("{'brand':'kvm','disks':[{'size':10}],'initrd':'/i'}", "initrd", "needs kernel")]
    [InlineData("{'brand':'kvm','disks':[{'size':10}],'kernel_args':'quiet'}", "kernel_args", "needs kernel")]
    [InlineData("{'brand':'kvm','kernel':'/k','ram':8}", "ram", "8 is below the minimum of 16 (MiB)")]
    [InlineData("{'brand':'kvm','kernel':'/k','vcpus':0}", "vcpus", "below the minimum of 1")]
    [InlineData("{'brand':'kvm','kernel':'/k','bootrom':'coreboot'}", "bootrom", "is not one of bios, uefi")]
    [InlineData("{'brand':'kvm','kernel':'/k','machine_type':'pc'}", "machine_type", "is not one of q35, microvm")]
    [InlineData("{'brand':'kvm','kernel':'/k','cpu_type':'pentium'}", "cpu_type", "is not one of qemu64, host, max")]
    [InlineData("{'brand':'kvm','kernel':'/k','vnc_port':5000}", "vnc_port", "is below 5900")]
    [InlineData("{'brand':'kvm','kernel':'/k','vnc_port':70000}", "vnc_port", "above the maximum of 65535")]
    [InlineData("{'brand':'kvm','kernel':'/k','vnc_password':'123456789'}", "vnc_password", "longer than 8 characters")]
    [InlineData("{'brand':'kvm','disks':[{'size':10}],'machine_type':'microvm'}", "kernel", "is required with machine_type microvm")]
    [InlineData("{'brand':'kvm','kernel':'/k','machine_type':'microvm','bootrom':'uefi'}", "bootrom", "not available with machine_type microvm")]
    [InlineData("{'brand':'kvm','kernel':'/k','machine_type':'microvm','disks':[{'size':1,'model':'ide'}]}", "disks[0].model", "virtio only")]
    [InlineData("{'brand':'kvm','kernel':'/k','machine_type':'microvm','nics':[{'ips':['10.0.0.5/24'],'model':'e1000'}]}", "nics[0].model", "virtio only")]
    [InlineData("{'brand':'kvm','disks':[{}]}", "disks[0].size", "is required (or give image_uuid)")]
    [InlineData("{'brand':'kvm','disks':[{'size':0}]}", "disks[0].size", "below the minimum of 1 (MiB)")]
    [InlineData("{'brand':'kvm','disks':[{'size':1,'path':'/x'}]}", "disks[0].path", "is read-only")]
    [InlineData("{'brand':'kvm','disks':[{'size':1,'model':'sata'}]}", "disks[0].model", "is not one of virtio, ide, scsi, nvme")]
    [InlineData("{'brand':'kvm','disks':[{'size':1,'media':'floppy'}]}", "disks[0].media", "is not one of disk, cdrom")]
    [InlineData("{'brand':'kvm','disks':[{'size':1,'boot':true},{'size':1,'boot':true}]}", "disks[1].boot", "only one disk may boot, and disks[0] does")]
    [InlineData("{'brand':'kvm','disks':[{'size':1,'sise':2}]}", "disks[0].sise", "did you mean size?")]
    [InlineData("{'brand':'kvm','disks':{}}", "disks", "is not an array")]
    [InlineData("{'brand':'kvm','kernel':'/k','nics':[{'ips':['10.0.0.5/24'],'model':'rtl8139'}]}", "nics[0].model", "is not one of virtio, e1000")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/24'],'model':'virtio'}]}", "nics[0].model", "is not a property of brand lx")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','disks':[]}", "disks", "is not a property of brand lx")]
    [InlineData("{'brand':'kvm','kernel':'/k','accel':'kvm'}", "accel", "is read-only")]
    public void BadVmManifestIsRefusedAtItsPath(string json, string path, string fragment)
    {
        BerthException e = ManifestJson.Invalid(json);

        Assert.Contains(e.Errors, error => error.Property == path && error.Message.Contains(fragment, StringComparison.Ordinal));
    }
}
