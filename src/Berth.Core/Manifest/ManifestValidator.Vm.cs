using System.Text.Json;
using Berth.Api.Contracts;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

public static partial class ManifestValidator
{
    /// <summary>The kvm brand's properties and the rules that tie them together (machine type, boot source, disks).</summary>
    private static Manifest ReadVm(ObjectValues top, Manifest manifest, ValidationErrors errors)
    {
        List<Disk>? disks = top.Values.TryGetValue("disks", out object? raw) ? ReadDisks((JsonElement)raw!, errors) : null;
        manifest = manifest with
        {
            Ram = top.Get<long>("ram"),
            Vcpus = top.Get<long>("vcpus"),
            CpuType = top.Get<string>("cpu_type"),
            Bootrom = top.Get<string>("bootrom"),
            MachineType = top.Get<string>("machine_type"),
            Disks = disks,
            VncPort = top.Get<long>("vnc_port"),
            VncPassword = top.Get<string>("vnc_password"),
            Kernel = top.Get<string>("kernel"),
            Initrd = top.Get<string>("initrd"),
            KernelArgs = top.Get<string>("kernel_args"),
        };

        if (manifest.Kernel is null)
        {
            foreach (string name in new[] { "initrd", "kernel_args" }.Where(top.Present.Contains))
            {
                errors.Add(name, "needs kernel (direct kernel boot)");
            }
        }

        if (manifest.VncPort is > 0 and < 5900)
        {
            errors.Add("vnc_port", $"{manifest.VncPort} is below 5900 (VNC display 0); give 0 for a free port or -1 for none");
        }

        if (manifest.VncPassword is { Length: > 8 })
        {
            errors.Add("vnc_password", "is longer than 8 characters, which is all VNC authentication uses");
        }

        if (manifest.MachineType == "microvm")
        {
            CheckMicrovm(top, manifest, errors);
        }
        else if (manifest.Kernel is null && disks is null or { Count: 0 })
        {
            // A VM with neither a kernel nor a disk has nothing to boot; firmware would only print "no bootable device".
            errors.Add("disks", "a VM needs a kernel or at least one disk to boot from");
        }

        return manifest;
    }

    // microvm has no PCI bus and no firmware choice: virtio-mmio devices and a kernel given directly.
    private static void CheckMicrovm(ObjectValues top, Manifest manifest, ValidationErrors errors)
    {
        if (manifest.Kernel is null)
        {
            errors.Add("kernel", "is required with machine_type microvm (it has no firmware boot)");
        }

        if (top.Present.Contains("bootrom") && manifest.Bootrom == "uefi")
        {
            errors.Add("bootrom", "\"uefi\" is not available with machine_type microvm");
        }

        for (int i = 0; i < (manifest.Disks?.Count ?? 0); i++)
        {
            if (manifest.Disks![i].Model is { } model && model != "virtio")
            {
                errors.Add($"disks[{i}].model", $"\"{model}\" is not available with machine_type microvm (virtio only)");
            }
        }

        for (int i = 0; i < (manifest.Nics?.Count ?? 0); i++)
        {
            if (manifest.Nics![i].Model is { } model && model != "virtio")
            {
                errors.Add($"nics[{i}].model", $"\"{model}\" is not available with machine_type microvm (virtio only)");
            }
        }
    }

    private static List<Disk>? ReadDisks(JsonElement raw, ValidationErrors errors)
    {
        if (!CheckEntryArray(raw, "disks", errors))
        {
            return null;
        }

        var disks = new List<Disk>();
        int boot = -1;
        int index = 0;
        foreach (JsonElement item in raw.EnumerateArray())
        {
            string path = $"disks[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(path, $"{Show(item)} is not an object");
                disks.Add(new Disk()); // keeps later disks' indexes right in messages
                continue;
            }

            ObjectValues values = ReadObject(item, PropertyTable.DiskFields, path, errors);
            ApplyDefaults(values, PropertyTable.DiskFields.Values);
            var disk = new Disk
            {
                Size = values.Has("size") ? values.Get<long>("size") : null,
                ImageUuid = values.Get<string>("image_uuid"),
                Boot = values.Get<bool>("boot"),
                Model = values.Get<string>("model"),
                Media = values.Get<string>("media"),
            };
            if (disk.Size is null && disk.ImageUuid is null && disk.Media == "disk" && !values.Present.Contains("size"))
            {
                errors.Add($"{path}.size", "is required (or give image_uuid)");
            }

            if (disk.Boot == true)
            {
                if (boot >= 0)
                {
                    errors.Add($"{path}.boot", $"only one disk may boot, and disks[{boot}] does");
                }
                else
                {
                    boot = index - 1;
                }
            }

            disks.Add(disk);
        }

        return disks;
    }
}
