using System.Diagnostics;
using Berth.Core.Host;

namespace Berth.Core.Instances.Vms;

/// <summary>Which accelerator VMs get: kvm, or tcg with the reason why not kvm.</summary>
public sealed record AccelChoice(string Name, string? Warning);

/// <summary>
/// Decides once per daemon whether KVM really runs guests. /dev/kvm opening is not enough: under broken nested
/// virtualization (this project's CI VMs) KVM_CREATE_VM and a real-mode HLT work, yet guests stall in firmware. So the
/// probe boots QEMU's own SeaBIOS under KVM with no disk and waits for "No bootable device" on its debug console.
/// </summary>
public static class KvmProbe
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    public static async Task<AccelChoice> ProbeAsync(CommandRunner runner, CancellationToken ct = default)
    {
        // An operator (or a test) can rule KVM out where its probe passes but real guests stall (broken nested virtualisation).
        if (Environment.GetEnvironmentVariable("BERTH_VM_ACCEL") == "tcg")
        {
            return new AccelChoice("tcg", "BERTH_VM_ACCEL=tcg: VMs run under TCG, software emulation about 16x slower");
        }

        try
        {
            using FileStream kvm = File.Open("/dev/kvm", FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new AccelChoice("tcg", $"/dev/kvm cannot be opened ({e.Message}): VMs run under TCG, software emulation about 16x slower");
        }

        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(s_timeout);
        CommandResult result;
        try
        {
            result = await runner.RunAsync(QemuCommandLine.Binary,
                ["-accel", "kvm", "-machine", "pc", "-m", "16", "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                 "-debugcon", "stdio", "-global", "isa-debugcon.iobase=0x402", "-boot", "strict=on,reboot-timeout=0"],
                ct: timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AccelChoice("tcg",
                $"/dev/kvm opens but KVM did not run a test guest (SeaBIOS stalled for {s_timeout.TotalSeconds:0} s; broken nested virtualization?): VMs run under TCG, about 16x slower");
        }

        return result.Stdout.Contains("No bootable device", StringComparison.Ordinal) || result.Stdout.Contains("Booting from", StringComparison.Ordinal)
            ? new AccelChoice("kvm", null)
            : new AccelChoice("tcg", $"KVM test guest failed after {clock.ElapsedMilliseconds} ms (exit {result.ExitCode}: {result.Stderr.Trim()}): VMs run under TCG, about 16x slower");
    }
}
