using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Networking;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>IPAM through berthd: parallel allocation, exhaustion, network delete refused while used.</summary>
public sealed class IpamTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task TwoHundredParallelCreatesGetTwoHundredDistinctAddressesAndTheNextIsRefused()
    {
        RootOnly.Require();
        await Berthd.Client.CreateNetworkAsync(new Network
        {
            Name = "ipam", NicTag = "ipam", Subnet = "10.79.0.0/24", Gateway = "10.79.0.1",
            ProvisionStartIp = "10.79.0.10", ProvisionEndIp = "10.79.0.209",
        });
        var created = new System.Collections.Concurrent.ConcurrentBag<Manifest>();
        try
        {
            // Stopped instances: IPAM runs at create all the same, without 200 containers on 2 cores.
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async i => created.Add(await Berthd.CreateAsync(
                NetTest.Manifest($"ipam-{i}", """[{ "nic_tag": "ipam" }]""", "\"autoboot\": false")))));

            List<string> ips = [.. created.Select(m => m.Nics![0].Ip!)];
            Assert.Equal(200, ips.Distinct().Count());
            Assert.All(ips, ip => Assert.InRange(int.Parse(ip.Split('.')[3]), 10, 209));
            Assert.All(created, m => Assert.Equal("255.255.255.0", m.Nics![0].Netmask));

            BerthApiException full = await Assert.ThrowsAsync<BerthApiException>(() =>
                Berthd.CreateAsync(NetTest.Manifest("ipam-201", """[{ "nic_tag": "ipam" }]""", "\"autoboot\": false")));
            Assert.Equal(409, full.Status);
            Assert.Contains("no free address", full.Problem.Detail);
            Assert.Contains("10.79.0.10-10.79.0.209", full.Problem.Detail);

            Network usage = await Berthd.Client.GetNetworkAsync("ipam");
            Assert.Equal(200, usage.UsedAddresses);
            Assert.Equal(200, usage.TotalAddresses);

            BerthApiException inUse = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.DeleteNetworkAsync("ipam"));
            Assert.Equal(409, inUse.Status);
            Assert.Contains("used by", inUse.Problem.Detail);

            // A freed address is handed out again.
            Manifest one = created.First();
            await Berthd.Client.DeleteVmAsync(one.Uuid!);
            Manifest again = await Berthd.CreateAsync(NetTest.Manifest("ipam-again", """[{ "nic_tag": "ipam" }]""", "\"autoboot\": false"));
            created.Add(again);
            Assert.Equal(one.Nics![0].Ip, again.Nics![0].Ip);
        }
        finally
        {
            await Task.WhenAll(created.Select(m => NetTest.DeleteQuietlyAsync(Berthd, m.Uuid!)));
            await NetTest.DeleteNetworkQuietlyAsync(Berthd, "ipam");
        }

        await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.GetNetworkAsync("ipam"));
        Assert.DoesNotContain("b-ipam", await NetTest.HostLinksAsync(Berthd));
    }

    [Fact]
    public async Task AnExplicitAddressInUseIsAConflictNamingTheHolder()
    {
        RootOnly.Require();
        Manifest a = await Berthd.CreateAsync(Berthd.Manifest("ipam-x1", 71, "\"autoboot\": false"));
        try
        {
            BerthApiException taken = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.CreateAsync(Berthd.Manifest("ipam-x2", 71, "\"autoboot\": false")));
            Assert.Equal(409, taken.Status);
            Assert.Contains(a.Uuid!, taken.Problem.Detail);
            Assert.Contains(taken.Problem.Errors!, e => e.Property == "nics[0].ip");
        }
        finally
        {
            await NetTest.DeleteQuietlyAsync(Berthd, "ipam-x1", "ipam-x2");
        }
    }

    [Fact]
    public async Task AVlanOnAKernelWithout8021QIsRefusedClearly()
    {
        RootOnly.Require();
        Assert.SkipWhen(HostNetworkFeatures.VlanFiltering != false, "this kernel has bridge VLAN filtering; VlanTests cover it");
        BerthApiException e = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.CreateNetworkAsync(new Network
        {
            Name = "vlan9", NicTag = "vlan9", Subnet = "10.83.0.0/24", Gateway = "10.83.0.1", VlanId = 9,
        }));
        Assert.Equal(503, e.Status);
        Assert.Contains("802.1Q", e.Problem.Detail);
        Assert.DoesNotContain("b-vlan9", await NetTest.HostLinksAsync(Berthd));
    }

    [Fact]
    public async Task NicsOnAVlanReachEachOtherAndNotTheUntaggedBridge()
    {
        RootOnly.Require();
        Assert.SkipWhen(HostNetworkFeatures.VlanFiltering == false,
            $"skipped: {HostNetworkFeatures.NoVlanReason} (kernel feature CONFIG_BRIDGE_VLAN_FILTERING)");
        await Berthd.Client.CreateNetworkAsync(new Network { Name = "vlan7", NicTag = "vlan7", Subnet = "10.84.0.0/24", Gateway = "10.84.0.1", VlanId = 7 });
        try
        {
            Manifest a = await Berthd.CreateAsync(NetTest.Manifest("vlan-a", """[{ "nic_tag": "vlan7" }]"""));
            Manifest b = await Berthd.CreateAsync(NetTest.Manifest("vlan-b", """[{ "nic_tag": "vlan7" }]"""));
            Assert.True(await NetTest.PingsAsync(Berthd, "vlan-a", b.Nics![0].Ip!));
            string vlans = (await Berthd.Host.InNetnsAsync("bridge", "vlan", "show")).Stdout;
            Assert.Contains("7 PVID", vlans);
        }
        finally
        {
            await NetTest.DeleteQuietlyAsync(Berthd, "vlan-a", "vlan-b");
            await NetTest.DeleteNetworkQuietlyAsync(Berthd, "vlan7");
        }
    }
}
