using System.Diagnostics;
using Berth.Core.Host;

namespace Berth.SystemTests.Network;

/// <summary>A network namespace playing the host, and sleeper processes in namespaces of their own playing containers.</summary>
internal sealed class TestHostNetns : IAsyncDisposable
{
    private readonly List<Process> _sleepers = [];

    private TestHostNetns(string name) => Name = name;

    public string Name { get; }

    public string Path => $"/run/netns/{Name}";

    public static async Task<TestHostNetns> CreateAsync()
    {
        string name = $"berth-t-{Guid.NewGuid().ToString("n")[..8]}";
        await CommandRunner.Default.RunCheckedAsync("ip", ["netns", "add", name]);
        return new TestHostNetns(name);
    }

    /// <summary>Starts a sleeper in a fresh network namespace created from inside this one and returns its pid once it is there.</summary>
    public async Task<int> StartContainerAsync()
    {
        // unshare --net without --fork execs sleep itself, so the pid we start is the sleeper.
        var psi = new ProcessStartInfo("nsenter") { UseShellExecute = false };
        foreach (string a in (string[])[$"--net={Path}", "unshare", "--net", "sleep", "120"])
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start nsenter");
        _sleepers.Add(p);
        string hostNs = NetnsOf(Path);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            string? comm = TryRead($"/proc/{p.Id}/comm")?.Trim();
            string? ns = TryLink($"/proc/{p.Id}/ns/net");
            if (comm == "sleep" && ns is not null && ns != hostNs)
            {
                return p.Id;
            }

            Assert.True(DateTime.UtcNow < deadline, $"sleeper {p.Id} did not reach its own netns (comm {comm}, ns {ns})");
            await Task.Delay(5);
        }
    }

    public void Kill(int pid)
    {
        Process? p = _sleepers.Find(s => s.Id == pid);
        p?.Kill();
        p?.WaitForExit();
    }

    /// <summary>Runs `ip ARGS` in this namespace.</summary>
    public Task<CommandResult> IpAsync(params string[] args) =>
        CommandRunner.Default.RunAsync("nsenter", [$"--net={Path}", "ip", .. args]);

    /// <summary>Runs a command inside the network namespace of <paramref name="pid"/>.</summary>
    public static Task<CommandResult> InAsync(int pid, params string[] argv) =>
        CommandRunner.Default.RunAsync("nsenter", [$"--net=/proc/{pid}/ns/net", .. argv]);

    public async ValueTask DisposeAsync()
    {
        foreach (Process p in _sleepers)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            p.Dispose();
        }

        await CommandRunner.Default.RunAsync("ip", ["netns", "del", Name]);
    }

    private static string NetnsOf(string path) => new FileInfo(path).Exists ? InodeOf(path) : "";

    private static string InodeOf(string path)
    {
        // readlink of /proc/self/ns/net says "net:[inode]"; a bind-mounted netns file has that inode.
        var r = CommandRunner.Default.RunAsync("stat", ["-L", "-c", "%i", path]).GetAwaiter().GetResult();
        return $"net:[{r.Stdout.Trim()}]";
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? TryLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
