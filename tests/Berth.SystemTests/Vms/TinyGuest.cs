using Berth.Core.Host;

namespace Berth.SystemTests.Vms;

/// <summary>
/// A guest the tests build themselves: the host's Debian kernel from /boot and a busybox initramfs whose init prints
/// <see cref="Marker"/> on the serial console and powers off when the ACPI power button is pressed.
/// </summary>
internal sealed class TinyGuest : IDisposable
{
    public const string Marker = "BERTH-GUEST-UP";

    // Init waits for one event from the ACPI power button's evdev device (reads are whole 24-byte input_events),
    // then powers off: what a real guest's acpid or logind does, without their configuration.
    private const string Init = """
        #!/bin/sh
        export PATH=/bin:/sbin
        mount -t proc proc /proc
        mount -t sysfs sys /sys
        mount -t devtmpfs dev /dev
        for m in /lib/modules/*.ko; do insmod "$m" 2>/dev/null; done
        echo BERTH-GUEST-UP
        (while read -r line; do echo "guest-heard:$line"; done) < /dev/console > /dev/console 2>&1 &
        for e in /sys/class/input/event*; do grep -q "Power Button" "$e/device/name" && button=/dev/input/${e##*/}; done
        dd if="$button" bs=24 count=1 >/dev/null 2>&1
        echo BERTH-GUEST-POWEROFF
        poweroff -f
        """;

    private TinyGuest(string dir, string kernel)
    {
        Dir = dir;
        Kernel = kernel;
    }

    public string Dir { get; }

    public string Kernel { get; }

    public string Initrd => Path.Combine(Dir, "initrd.cpio");

    /// <summary>Where scripts/install-deps.sh unpacks the Debian kernel the tests boot (boot/ and lib/modules/ as in the package).</summary>
    private const string KernelDir = "/var/cache/berth/test-kernel";

    /// <summary>Skips the test (not fails) when the test kernel or busybox is missing.</summary>
    public static async Task<TinyGuest> BuildAsync()
    {
        string boot = Path.Combine(KernelDir, "boot");
        string? kernel = Directory.Exists(boot) ? Directory.GetFiles(boot, "vmlinuz-*").Order().LastOrDefault() : null;
        Assert.SkipWhen(kernel is null, $"no kernel in {boot} to boot a test VM with (scripts/install-deps.sh unpacks one)");
        Assert.SkipWhen(!File.Exists("/bin/busybox"), "busybox-static is not installed");
        string version = Path.GetFileName(kernel!)["vmlinuz-".Length..];
        string modules = Path.Combine(KernelDir, "lib/modules", version, "kernel");

        string dir = Path.Combine("/var/tmp", "berth-guest-" + Guid.NewGuid().ToString("N")[..8]);
        string root = Path.Combine(dir, "root");
        foreach (string sub in new[] { "bin", "sbin", "proc", "sys", "dev", "etc", "lib/modules" })
        {
            Directory.CreateDirectory(Path.Combine(root, sub));
        }

        File.Copy("/bin/busybox", Path.Combine(root, "bin", "busybox"));
        foreach (string applet in new[] { "sh", "mount", "insmod", "poweroff", "echo", "dd", "grep", "ip", "ping", "sleep", "cat" })
        {
            File.CreateSymbolicLink(Path.Combine(root, "bin", applet), "busybox");
        }

        // The ACPI power button needs button.ko and evdev.ko (modules in Debian's kernel), in this order.
        string[] wanted = ["drivers/acpi/button.ko", "drivers/input/evdev.ko"];
        for (int i = 0; i < wanted.Length; i++)
        {
            string source = Path.Combine(modules, wanted[i]);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(root, "lib/modules", $"{i:00}-{Path.GetFileName(source)}"));
            }
        }

        await File.WriteAllTextAsync(Path.Combine(root, "init"), Init.Replace("\r", "") + "\n");
        File.SetUnixFileMode(Path.Combine(root, "init"), (UnixFileMode)0b111_101_101);
        var guest = new TinyGuest(dir, kernel!);
        CommandResult cpio = await CommandRunner.Default.RunAsync("sh", ["-c", $"cd '{root}' && find . | cpio -o -H newc > '{guest.Initrd}'"]);
        Assert.True(cpio.Succeeded, $"cpio: {cpio.Stderr}");
        return guest;
    }

    /// <summary>A kvm manifest booting this guest directly, small enough for TCG.</summary>
    public string Manifest(string alias, string extra = "") => $$"""
        {
          "brand": "kvm",
          "alias": "{{alias}}",
          "ram": 96,
          "kernel": "{{Kernel}}",
          "initrd": "{{Initrd}}",
          "kernel_args": "console=ttyS0 quiet",
          "vnc_port": -1{{extra}}
        }
        """;

    public void Dispose()
    {
        if (Directory.Exists(Dir))
        {
            Directory.Delete(Dir, recursive: true);
        }
    }
}
