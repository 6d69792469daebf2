using Berth.Api.Contracts;
using Berth.Core.Networking;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Two test hosts joined by an underlay veth, a VXLAN segment between them, three containers on two networks.</summary>
public sealed class VxlanTests
{
    private const int Vni = 4242;

    [Fact]
    public async Task ThreeContainersOnTwoNetworksReachExactlyWhomTheyShare()
    {
        RootOnly.Require();
        await using Berthd a = await Berthd.StartAsync();
        await using Berthd b = await Berthd.StartAsync();
        string suffix = a.Host.Id[..4];
        await Sh.RunCheckedAsync("ip", "link", "add", $"ula{suffix}", "netns", a.Host.Netns, "type", "veth", "peer", "name", $"ulb{suffix}", "netns", b.Host.Netns);
        await a.Host.InNetnsAsync("ip", "addr", "add", "192.168.77.1/24", "dev", $"ula{suffix}");
        await a.Host.InNetnsAsync("ip", "link", "set", $"ula{suffix}", "up");
        await b.Host.InNetnsAsync("ip", "addr", "add", "192.168.77.2/24", "dev", $"ulb{suffix}");
        await b.Host.InNetnsAsync("ip", "link", "set", $"ulb{suffix}", "up");

        // One segment, two hosts: each hands out its own part of the range (IPAM is per host).
        await a.Client.CreateNetworkAsync(Overlay("ovA", "10.82.0.10", "10.82.0.99", "192.168.77.2"));
        await b.Client.CreateNetworkAsync(Overlay("ovB", "10.82.0.100", "10.82.0.199", "192.168.77.1"));

        Manifest c1 = await a.CreateAsync(NetTest.Manifest("c1", """[{ "nic_tag": "admin", "ip": "10.77.0.51" }, { "nic_tag": "overlay" }]"""));
        Manifest c2 = await b.CreateAsync(NetTest.Manifest("c2", """[{ "nic_tag": "overlay" }]"""));
        Manifest c3 = await a.CreateAsync(NetTest.Manifest("c3", """[{ "nic_tag": "admin", "ip": "10.77.0.52" }]"""));
        string c1Overlay = c1.Nics![1].Ip!;
        string c2Overlay = c2.Nics![0].Ip!;
        Assert.InRange(int.Parse(c2Overlay.Split('.')[3]), 100, 199);

        Assert.True(await Poll.UntilAsync(() => NetTest.PingsAsync(a, "c1", c2Overlay)), "c1 reaches c2 over VXLAN");
        Assert.True(await NetTest.PingsAsync(b, "c2", c1Overlay), "c2 reaches c1 over VXLAN");
        Assert.True(await NetTest.PingsAsync(a, "c1", "10.77.0.52"), "c1 reaches c3 on admin");
        Assert.True(await NetTest.PingsAsync(a, "c3", "10.77.0.51"), "c3 reaches c1 on admin");
        Assert.False(await NetTest.PingsAsync(a, "c3", c2Overlay), "c3 shares no network with c2");
        Assert.False(await NetTest.PingsAsync(b, "c2", "10.77.0.52"), "c2 shares no network with c3");
        Assert.False(await NetTest.PingsAsync(b, "c2", "10.77.0.51"), "c2 reaches c1 only on the overlay");

        // A restart of berthd sets the segment up again without adding anything twice.
        await b.KillAsync();
        await b.StartProcessAsync();
        string fdb = (await b.Host.InNetnsAsync("bridge", "fdb", "show", "dev", NicPlumber.VxlanInterfaceName(Vni))).Stdout;
        Assert.Single(fdb.Split('\n'), l => l.StartsWith("00:00:00:00:00:00", StringComparison.Ordinal));
        Assert.True(await NetTest.PingsAsync(b, "c2", c1Overlay), "still reachable after the restart");

        await a.Client.DeleteVmAsync("c1");
        await b.Client.DeleteVmAsync("c2");
        Assert.Empty(await Leftovers.OfAsync(a, c1.Uuid!, nics: 2));
        Assert.Empty(await Leftovers.OfAsync(b, c2.Uuid!));
        await a.Client.DeleteVmAsync("c3");
        await a.Client.DeleteNetworkAsync("overlay");
        string links = await NetTest.HostLinksAsync(a);
        Assert.DoesNotContain("bvx", links);
        Assert.DoesNotContain("ovA", links);
    }

    private static Network Overlay(string bridge, string first, string last, string peer) => new()
    {
        Name = "overlay", NicTag = "overlay", Subnet = "10.82.0.0/24", Gateway = "10.82.0.1", Bridge = bridge,
        ProvisionStartIp = first, ProvisionEndIp = last, VxlanVni = Vni, VxlanPeers = [peer],
    };
}
