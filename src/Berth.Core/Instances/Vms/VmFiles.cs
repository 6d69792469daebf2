namespace Berth.Core.Instances.Vms;

/// <summary>The run-time files of one VM's QEMU, in a directory of its own under the run dir.</summary>
public sealed record VmFiles(string Dir)
{
    public string PidFile => Path.Combine(Dir, "qemu.pid");

    public string QmpSocket => Path.Combine(Dir, "qmp.sock");

    /// <summary>The serial console: a stream socket `vm console` connects to (one client at a time).</summary>
    public string ConsoleSocket => Path.Combine(Dir, "console.sock");

    /// <summary>Everything the guest wrote on its serial console, also while nobody was attached.</summary>
    public string ConsoleLog => Path.Combine(Dir, "console.log");

    /// <summary>QEMU's stderr from the start (its errors when it refuses to start).</summary>
    public string StartLog => Path.Combine(Dir, "qemu.log");
}
