using Berth.Core.Host;

namespace Berth.SystemTests.Daemon;

/// <summary>A test's own "host": a network namespace plus state and run directories, all removed at the end.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    private TestHost(string id)
    {
        Id = id;
        Netns = $"berth-st-{id}";
        StateDir = $"/var/tmp/berth-st-{id}";
        RunDir = $"/run/berth-st-{id}";
        CgroupParent = $"berth-st-{id}";
    }

    public string Id { get; }
    public string Netns { get; }
    public string NetnsPath => $"/run/netns/{Netns}";
    public string StateDir { get; }
    public string RunDir { get; }
    public string Socket => Path.Combine(RunDir, "berth.sock");
    public string CgroupParent { get; }

    public static async Task<TestHost> CreateAsync()
    {
        var host = new TestHost(Guid.NewGuid().ToString("N")[..8]);
        await Sh.RunCheckedAsync("ip", "netns", "add", host.Netns);
        await Sh.RunCheckedAsync("ip", "-n", host.Netns, "link", "set", "lo", "up");
        Directory.CreateDirectory(host.StateDir);
        Directory.CreateDirectory(host.RunDir);
        return host;
    }

    /// <summary>Runs a command inside the test host's network namespace.</summary>
    public Task<CommandResult> InNetnsAsync(params string[] argv) =>
        CommandRunner.Default.RunAsync("nsenter", [$"--net={NetnsPath}", .. argv]);

    public async Task<bool> PingAsync(string ip)
    {
        CommandResult r = await InNetnsAsync("ping", "-c", "1", "-W", "1", ip);
        return r.Succeeded;
    }

    public async ValueTask DisposeAsync()
    {
        // Unmount anything left below the state dir (a pool), then remove the namespace and the directories.
        foreach (string mount in File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
                     .Where(m => m.StartsWith(StateDir, StringComparison.Ordinal)).OrderByDescending(m => m.Length))
        {
            await CommandRunner.Default.RunAsync("umount", ["-l", mount]);
        }

        await CommandRunner.Default.RunAsync("ip", ["netns", "del", Netns]);
        foreach (string dir in new[] { StateDir, RunDir })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        foreach (string controller in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            string dir = Path.Combine(controller, CgroupParent);
            if (Directory.Exists(dir))
            {
                foreach (string child in Directory.GetDirectories(dir))
                {
                    try { Directory.Delete(child); } catch (IOException) { }
                }

                try { Directory.Delete(dir); } catch (IOException) { }
            }
        }
    }
}
