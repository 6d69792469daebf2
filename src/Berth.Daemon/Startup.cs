using Berth.Core;
using Berth.Core.Host;
using Berth.Core.Instances;
using Berth.Core.Networking;
using Berth.Core.Storage;
using Berth.Core.Store;
using Berth.Core.Supervision;

namespace Berth.Daemon;

/// <summary>What berthd does before it serves: host fixes, the store, pools, bridges, then reconciliation.</summary>
internal static class Startup
{
    private const string BootIdSetting = "boot_id";

    public static async Task PrepareAsync(IServiceProvider services, BerthdOptions options, ILogger logger)
    {
        BerthPaths paths = services.GetRequiredService<BerthPaths>();
        foreach (string dir in new[] { options.StateDir, options.RunDir, paths.BundlesDir, paths.PoolsDir, paths.MonitorDir, Path.GetDirectoryName(options.Socket)! })
        {
            Directory.CreateDirectory(dir);
        }

        await Berth.Core.Host.Cgroups.CgroupHost.FixHybridForCrunAsync(change => logger.LogWarning("Host cgroups changed for crun: {Change}", change));

        IStateStore store = services.GetRequiredService<IStateStore>();
        await store.InitializeAsync();

        await services.GetRequiredService<PoolRegistry>().OpenAllAsync(
            (name, e) => logger.LogError(e, "Pool {Pool} cannot be opened", name));
        await services.GetRequiredService<NetworkService>().EnsureAllAsync(
            (name, e) => logger.LogError(e, "Network {Network}: its bridge cannot be set up", name));

        string bootId = BootId.Read(options.BootIdFile);
        string? lastBootId = await store.GetSettingAsync(BootIdSetting);
        bool hostBooted = lastBootId != bootId;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await services.GetRequiredService<InstanceService>().ReconcileAsync(hostBooted);
        // Replaces Berth's tables, never adds to them.
        bool filtersBridges = await services.GetRequiredService<Berth.Core.Firewall.FirewallService>().StartAsync();
        services.GetRequiredService<DaemonComponents>().Set(DaemonComponents.FirewallSync,
            filtersBridges ? ServiceStates.Online : ServiceStates.Degraded,
            filtersBridges ? null : "no br_netfilter: traffic between instances on one bridge bypasses the firewall");
        await store.SetSettingAsync(BootIdSetting, bootId);
        logger.LogInformation("Reconciled instances in {Milliseconds:0.0} ms ({Uptime:0} ms since berthd started){Boot}", clock.Elapsed.TotalMilliseconds,
            (DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime).TotalMilliseconds, hostBooted ? " after a host boot (autoboot instances starting)" : "");
        // Autoboot runs in the background in dependency order, so the API serves while instances wait for theirs.
        await services.GetRequiredService<Supervisor>().BootAsync(hostBooted);
    }
}
