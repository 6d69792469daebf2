using Berth.Api.Contracts;

namespace Berth.SystemTests.Daemon;

/// <summary>Instances outlive berthd: a SIGKILLed daemon leaves them running, and the next one finds them.</summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public async Task KilledDaemonLeavesInstancesRunningAndTheNextOneListsThem()
    {
        RootOnly.Require();
        await using Berthd berthd = await Berthd.StartAsync();
        Manifest a = await berthd.CreateAsync(Berthd.Manifest("keep-a", 41));
        Manifest b = await berthd.CreateAsync(Berthd.Manifest("keep-b", 42));

        await berthd.KillAsync();
        Assert.True(await berthd.Host.PingAsync("10.77.0.41"), "still answering while berthd is down");
        // An exit while berthd is down must be noticed when it comes back.
        await Berth.Core.Host.CommandRunner.Default.RunCheckedAsync("crun", [$"--root={berthd.Host.RunDir}/crun", "kill", b.Uuid!, "KILL"]);

        await berthd.StartProcessAsync();
        Manifest aAfter = await berthd.Client.GetVmAsync(a.Uuid!);
        Assert.Equal("running", aAfter.State);
        Assert.Equal(a.Pid, aAfter.Pid);
        Assert.Equal("stopped", (await berthd.WaitForStateAsync(b.Uuid!, "stopped")).State);

        // The restarted daemon watches the survivor again: its init ending is seen.
        await berthd.Client.ExecAsync(a.Uuid!, new ExecRequest { Argv = ["kill", "-USR2", "1"] });
        Assert.Equal("stopped", (await berthd.WaitForStateAsync(a.Uuid!, "stopped")).State);
    }
}
