using Berth.Api.Contracts;
using Berth.Client;
using Berth.Core.Networking;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Networking;

using Network = Berth.Api.Contracts.Network;

/// <summary>Nics added and removed on running containers, resolvers and routes inside, nothing left after delete.</summary>
public sealed class LiveNicTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task NicsAreAddedAndRemovedLiveOnARunningContainer()
    {
        RootOnly.Require();
        await Berthd.Client.CreateNetworkAsync(new Network { Name = "live", NicTag = "live", Subnet = "10.80.0.0/24", Gateway = "10.80.0.1" });
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("live-nic", 41));
        string uuid = vm.Uuid!;
        try
        {
            UpdateResult added = await NetTest.UpdateAsync(Berthd, "live-nic", """{ "add_nics": [{ "nic_tag": "live" }] }""");
            Nic nic = Assert.Single(added.Manifest.Nics!, n => n.NicTag == "live");
            Assert.Equal("eth1", nic.Interface);
            Assert.Empty(added.RestartRequired);
            string addr = await NetTest.ExecAsync(Berthd, "live-nic", "ip", "addr", "show", "eth1");
            Assert.Contains($"inet {nic.Ip}/24", addr);
            Assert.True(await Berthd.Host.PingAsync(nic.Ip!), "the new nic answers from its network");
            Assert.True(await Berthd.Host.PingAsync("10.77.0.41"), "the first nic still answers");

            BerthApiException inUse = await Assert.ThrowsAsync<BerthApiException>(() => Berthd.Client.DeleteNetworkAsync("live"));
            Assert.Equal(409, inUse.Status);

            UpdateResult removed = await NetTest.UpdateAsync(Berthd, "live-nic", $$"""{ "remove_nics": ["{{nic.Mac}}"] }""");
            Assert.Single(removed.Manifest.Nics!);
            string after = await NetTest.ExecAsync(Berthd, "live-nic", "ip", "addr");
            Assert.DoesNotContain(nic.Ip!, after);
            Assert.DoesNotContain(NicPlumber.HostInterfaceName(uuid, 1), await NetTest.HostLinksAsync(Berthd));
            Assert.True(await Berthd.Host.PingAsync("10.77.0.41"), "the first nic is untouched");

            await Berthd.Client.DeleteNetworkAsync("live"); // no nic uses it now
        }
        finally
        {
            await NetTest.DeleteQuietlyAsync(Berthd, uuid);
            await NetTest.DeleteNetworkQuietlyAsync(Berthd, "live");
        }

        Assert.Empty(await Leftovers.OfAsync(Berthd, uuid, nics: 2));
        string links = await NetTest.HostLinksAsync(Berthd);
        Assert.DoesNotContain(uuid.Replace("-", "")[..10], links);
    }

    [Fact]
    public async Task ResolversComeFromTheNetworkAndRoutesAreInstalledInside()
    {
        RootOnly.Require();
        await Berthd.Client.CreateNetworkAsync(new Network
        {
            Name = "dns", NicTag = "dns", Subnet = "10.81.0.0/24", Gateway = "10.81.0.1", Resolvers = ["10.81.0.53", "10.81.0.54"],
        });
        try
        {
            Manifest vm = await Berthd.CreateAsync(NetTest.Manifest("routed", """[{ "nic_tag": "dns" }]""",
                """ "routes": { "10.99.0.0/16": "10.81.0.1", "10.98.0.5": "nics[0]" } """));
            Assert.Equal(["10.81.0.53", "10.81.0.54"], vm.Resolvers);
            string resolv = await NetTest.ExecAsync(Berthd, "routed", "cat", "/etc/resolv.conf");
            Assert.Contains("nameserver 10.81.0.53\nnameserver 10.81.0.54", resolv);
            string routes = await NetTest.ExecAsync(Berthd, "routed", "ip", "route");
            Assert.Contains("default via 10.81.0.1 dev eth0", routes);
            Assert.Contains("10.99.0.0/16 via 10.81.0.1 dev eth0", routes);
            Assert.Contains("10.98.0.5 dev eth0", routes);

            // The manifest's own resolvers win over the network's.
            Manifest own = await Berthd.CreateAsync(NetTest.Manifest("own-dns", """[{ "nic_tag": "dns" }]""", """ "resolvers": ["192.0.2.53"] """));
            Assert.Equal(["192.0.2.53"], own.Resolvers);
            Assert.Contains("nameserver 192.0.2.53", await NetTest.ExecAsync(Berthd, "own-dns", "cat", "/etc/resolv.conf"));
        }
        finally
        {
            await NetTest.DeleteQuietlyAsync(Berthd, "routed", "own-dns");
            await NetTest.DeleteNetworkQuietlyAsync(Berthd, "dns");
        }
    }
}
