using Berth.Core.Host;

namespace Berth.Core.Images;

/// <summary>Builds the tiny busybox lx image's root filesystem from the host's static busybox (busybox-static).</summary>
public static class BusyboxRootfs
{
    public const string HostBusybox = "/bin/busybox";

    /// <summary>busybox init powers off on SIGUSR2; in a container its reboot() is refused and init exits 0.</summary>
    public const string StopSignal = "SIGUSR2";

    public const string Init = "/sbin/init";

    // sysinit runs only what cannot fail in a container; a login shell respawns on the console.
    internal const string Inittab = """
        # Berth busybox image: init runs rcS once, keeps a shell on the console, and on SIGUSR2/SIGTERM
        # runs the shutdown actions, kills everything and exits (a container's reboot() just ends init).
        ::sysinit:/etc/init.d/rcS
        ::respawn:-/bin/sh
        ::ctrlaltdel:/sbin/reboot
        ::shutdown:/bin/sync
        """;

    // The runtime has already set the hostname (without CAP_SYS_ADMIN rcS could not); rcS records it.
    internal const string RcS = """
        #!/bin/sh
        # Berth busybox image: bring up loopback and record the hostname the runtime set.
        /bin/ip link set lo up 2>/dev/null
        /bin/hostname > /etc/hostname 2>/dev/null
        [ -d /etc/rc.d ] && for s in /etc/rc.d/S*; do [ -x "$s" ] && "$s" start; done
        exit 0
        """;

    internal const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/bin/false
        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
        """;

    internal const string Group = """
        root:x:0:
        daemon:x:1:
        tty:x:5:
        nogroup:x:65534:
        """;

    /// <summary>Fills <paramref name="targetDir"/> (created if needed) with a bootable busybox rootfs.</summary>
    public static async Task BuildAsync(string targetDir, CancellationToken ct = default)
    {
        if (!File.Exists(HostBusybox))
        {
            throw new BerthException(ErrorKind.Unavailable, $"Failed building the busybox image: \"{HostBusybox}\" is missing (install busybox-static)");
        }

        try
        {
            CommandResult list = await CommandRunner.Default.RunCheckedAsync(HostBusybox, ["--list-full"], ct: ct).ConfigureAwait(false);
            foreach (string dir in new[] { "bin", "sbin", "usr/bin", "usr/sbin", "etc/init.d", "proc", "sys", "dev", "tmp", "run", "root", "var/log", "home" })
            {
                Directory.CreateDirectory(Path.Combine(targetDir, dir));
            }

            Chmod(Path.Combine(targetDir, "tmp"), "1777");
            Chmod(Path.Combine(targetDir, "root"), "700");
            string busybox = Path.Combine(targetDir, "bin", "busybox");
            File.Copy(HostBusybox, busybox, overwrite: true);

            // --list-full gives each applet's usual directory (bin/sh, sbin/init, usr/bin/env...).
            foreach (string applet in list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string link = Path.Combine(targetDir, applet);
                if (applet == "bin/busybox" || File.Exists(link))
                {
                    continue;
                }

                Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                File.CreateSymbolicLink(link, "/bin/busybox");
            }

            string sbinInit = Path.Combine(targetDir, "sbin", "init");
            if (!File.Exists(sbinInit))
            {
                File.CreateSymbolicLink(sbinInit, "/bin/busybox");
            }

            await WriteAsync(targetDir, "etc/inittab", Inittab, ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/init.d/rcS", RcS, ct).ConfigureAwait(false);
            Chmod(Path.Combine(targetDir, "etc/init.d/rcS"), "755");
            await WriteAsync(targetDir, "etc/passwd", Passwd, ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/group", Group, ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/hostname", "busybox", ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost\n", ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/resolv.conf", "", ct).ConfigureAwait(false);
            await WriteAsync(targetDir, "etc/shells", "/bin/sh\n/bin/ash\n", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CommandFailedException)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed building the busybox rootfs in \"{targetDir}\": {e.Message}", e);
        }
    }

    private static void Chmod(string path, string octal)
    {
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octal, 8));
        }
    }

    private static Task WriteAsync(string root, string relative, string text, CancellationToken ct) =>
        File.WriteAllTextAsync(Path.Combine(root, relative), text.EndsWith('\n') || text.Length == 0 ? text : text + "\n", ct);
}
