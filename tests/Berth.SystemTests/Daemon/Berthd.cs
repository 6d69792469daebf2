using System.Diagnostics;
using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Host;
using Berth.Core.Instances;
using Berth.Core.Networking;
using Berth.Daemon;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.SystemTests.Daemon;

/// <summary>A berthd of a test's own, inside the test host's network namespace, with a pool, a network and the busybox image.</summary>
internal sealed class Berthd : IAsyncDisposable
{
    public const string Subnet = "10.77.0.0/24";
    public const string Gateway = "10.77.0.1";
    public const string BusyboxUuid = "7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e";

    private Process? _process;
    private string[] _extraArgs = [];
    private CancellationTokenSource? _inProcess;
    private Task<int>? _inProcessRun;

    private Berthd(TestHost host)
    {
        Host = host;
        Client = new BerthClient(host.Socket);
    }

    public TestHost Host { get; }

    public BerthClient Client { get; }

    public string LogPath => Path.Combine(Host.StateDir, "berthd.log");

    /// <summary>The pid berthd wrote to its run directory (the process that serves, whatever started it).</summary>
    public int Pid => int.Parse(File.ReadAllText(Path.Combine(Host.RunDir, "berthd.pid")).Trim());

    /// <summary>The pid of the process this harness started and kills.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Starts berthd as its own process (as production runs it), set up for instances; <paramref name="extraArgs"/> are more flags.</summary>
    public static async Task<Berthd> StartAsync(params string[] extraArgs)
    {
        var berthd = new Berthd(await TestHost.CreateAsync()) { _extraArgs = extraArgs };
        await berthd.StartProcessAsync();
        await berthd.SetUpAsync();
        return berthd;
    }

    /// <summary>Starts berthd inside the test process, so that a test can register a create observer.</summary>
    public static async Task<Berthd> StartInProcessAsync(ICreateObserver observer)
    {
        var berthd = new Berthd(await TestHost.CreateAsync());
        berthd._inProcess = new CancellationTokenSource();
        string netns = berthd.Host.NetnsPath;
        berthd._inProcessRun = Task.Run(() => Berth.Daemon.Daemon.RunAsync(berthd.Options(), services =>
        {
            services.AddSingleton(new NicPlumber(hostNetns: netns));
            services.AddSingleton(new Berth.Core.Firewall.NftApplier(hostNetns: netns));
            services.AddSingleton(observer);
        }, berthd._inProcess.Token));
        await berthd.WaitReadyAsync();
        await berthd.SetUpAsync();
        return berthd;
    }

    private BerthdOptions Options() => new()
    {
        Socket = Host.Socket,
        StateDir = Host.StateDir,
        RunDir = Host.RunDir,
        CgroupParent = Host.CgroupParent,
        Config = Path.Combine(Host.StateDir, "no-config.json"),
        MdataTools = Metadata.MdataToolsBuild.ToolsDir ?? Path.Combine(Host.StateDir, "no-mdata-tools"),
    };

    public async Task StartProcessAsync()
    {
        string berthd = Path.Combine(AppContext.BaseDirectory, "berthd.dll");
        var psi = new ProcessStartInfo("nsenter")
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        BerthdOptions o = Options();
        string[] args =
        [
            $"--net={Host.NetnsPath}", "--", "setsid", "sh", "-c", "exec \"$0\" \"$@\" >>\"$LOG\" 2>&1",
            "dotnet", berthd, "--socket", o.Socket, "--state-dir", o.StateDir, "--run-dir", o.RunDir,
            "--cgroup-parent", o.CgroupParent, "--config", o.Config, "--mdata-tools", o.MdataTools, .. _extraArgs,
        ];
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["LOG"] = LogPath;
        psi.Environment["BERTH_VM_ACCEL"] = "tcg"; // here KVM's probe can pass while real guests stall under it
        _process = Process.Start(psi)!;
        await WaitReadyAsync();
    }

    private async Task WaitReadyAsync()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await Client.GetSysinfoAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && _process is not { HasExited: true } && _inProcessRun is not { IsCompleted: true })
            {
                await Task.Delay(100);
            }
            catch (Exception e)
            {
                string log = File.Exists(LogPath) ? await File.ReadAllTextAsync(LogPath) : "(no log)";
                throw new InvalidOperationException($"berthd did not come up: {e.Message}\n{log}", e);
            }
        }
    }

    /// <summary>Kills berthd with SIGKILL: its instances must keep running.</summary>
    public async Task KillAsync()
    {
        Process p = _process ?? throw new InvalidOperationException("only a berthd process can be killed");
        p.Kill();
        await p.WaitForExitAsync();
        _process = null;
    }

    private async Task SetUpAsync()
    {
        await Client.CreatePoolAsync(new PoolCreateRequest { File = Path.Combine(Host.StateDir, "pool.img"), Size = 3L << 30 });
        await Client.CreateNetworkAsync(new Berth.Api.Contracts.Network { Name = "admin", NicTag = "admin", Subnet = Subnet, Gateway = Gateway });
        await Client.BuildImageAsync("busybox");
    }

    /// <summary>A manifest of a small busybox container with one nic at the given host number of the test subnet.</summary>
    public static string Manifest(string alias, int hostNumber, string extra = "") => $$"""
        {
          "alias": "{{alias}}",
          "brand": "lx",
          "image_uuid": "{{BusyboxUuid}}",
          "max_physical_memory": 128,
          "quota": 1,
          "nics": [{ "nic_tag": "admin", "ip": "10.77.0.{{hostNumber}}", "netmask": "255.255.255.0", "gateway": "{{Gateway}}" }]{{(extra.Length > 0 ? "," : "")}}
          {{extra}}
        }
        """;

    public Task<Manifest> CreateAsync(string manifestJson) => Client.CreateVmAsync(BerthClient.Utf8(manifestJson));

    /// <summary>Polls until the instance is in the state, up to 5 s.</summary>
    public async Task<Manifest> WaitForStateAsync(string id, string state)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        Manifest m;
        while ((m = await Client.GetVmAsync(id)).State != state && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return m;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is not null || _inProcessRun is { IsCompleted: false })
            {
                foreach (Manifest vm in await Client.ListVmsAsync())
                {
                    if (vm.State == "running")
                    {
                        await Client.StopVmAsync(vm.Uuid!, new StopRequest { Force = true });
                    }

                    await Client.DeleteVmAsync(vm.Uuid!);
                }

                foreach (ImageManifest image in await Client.ListImagesAsync())
                {
                    await Client.DeleteImageAsync(image.Uuid!);
                }

                foreach (Pool pool in await Client.ListPoolsAsync())
                {
                    try
                    {
                        await Client.DeletePoolAsync(pool.Name);
                    }
                    catch (BerthApiException e) when (e.Problem.Detail?.Contains("target is busy", StringComparison.Ordinal) == true)
                    {
                        // A pool a received instance used can stay busy for a while after it is deleted (under
                        // investigation); the test host's cleanup unmounts it lazily.
                    }
                }
            }
        }
        finally
        {
            if (_process is { HasExited: false })
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            if (_inProcess is not null)
            {
                await _inProcess.CancelAsync();
                await _inProcessRun!;
            }

            Client.Dispose();
            await CleanUpContainersAsync();
            await Host.DisposeAsync();
        }
    }

    /// <summary>Kills what a failed test may have left running in this daemon's crun root.</summary>
    private async Task CleanUpContainersAsync()
    {
        string root = Path.Combine(Host.RunDir, "crun");
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(root))
        {
            await CommandRunner.Default.RunAsync("crun", [$"--root={root}", "delete", "-f", Path.GetFileName(dir)]);
        }
    }
}
