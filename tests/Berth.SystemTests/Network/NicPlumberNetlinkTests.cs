using Berth.Core;
using Berth.Core.Networking;

namespace Berth.SystemTests.Network;

/// <summary>What the rtnetlink attach adds to NicPlumberTests: errno-naming failures and no thread left in a foreign namespace.</summary>
public sealed class NicPlumberNetlinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMissingBridgeIsNamedWithTheKernelsErrno()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        int pid = await host.StartContainerAsync();
        string uuid = Guid.NewGuid().ToString();

        var e = await Assert.ThrowsAsync<BerthException>(() => plumber.AttachAsync(uuid, pid,
            [new NicPlan(0, "nosuchbr", "02:00:0a:de:00:05", ["10.1.0.5/24"], null, null)], Ct));

        Assert.Equal($"Failed attaching nic 0 of {uuid} to bridge nosuchbr: looking up bridge nosuchbr: No such device (ENODEV)", e.Message);
    }

    [Fact]
    public async Task NoThreadOfTheProcessStaysInAnInstanceNamespace()
    {
        RootOnly.Require();
        await using TestHostNetns host = await TestHostNetns.CreateAsync();
        var plumber = new NicPlumber(hostNetns: host.Path);
        await plumber.EnsureBridgeAsync("berth0", "10.222.0.1/24", null, Ct);
        string own = new FileInfo("/proc/self/ns/net").LinkTarget!;

        for (int i = 0; i < 5; i++)
        {
            int pid = await host.StartContainerAsync();
            await plumber.AttachAsync(Guid.NewGuid().ToString(), pid,
                [new NicPlan(0, "berth0", $"02:00:0a:de:00:{20 + i:x2}", [$"10.222.0.{20 + i}/24"], "10.222.0.1", null)], Ct);
        }

        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            string? ns = TryLink($"{task}/ns/net");
            Assert.True(ns is null || ns == own, $"thread {Path.GetFileName(task)} is in {ns}, the process in {own}");
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
            return null; // the thread ended meanwhile
        }
    }
}
