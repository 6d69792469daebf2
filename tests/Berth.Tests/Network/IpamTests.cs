using Berth.Core;
using Berth.Core.Manifests;
using Berth.Core.Networking;

namespace Berth.Tests.Network;

public sealed class IpamTests
{
    private static uint A(string ip) => Ipv4.TryParse(ip, out uint a) ? a : throw new ArgumentException(ip);

    [Fact]
    public void PicksTheLowestFreeAddressSkippingTheExcluded()
    {
        HashSet<uint> used = [A("10.0.0.2"), A("10.0.0.3")];
        Assert.Equal(A("10.0.0.4"), Ipam.PickFree(A("10.0.0.1"), A("10.0.0.254"), used, [A("10.0.0.1")]));
    }

    [Fact]
    public void AFullRangeGivesNull()
    {
        HashSet<uint> used = [A("10.0.0.2")];
        Assert.Null(Ipam.PickFree(A("10.0.0.1"), A("10.0.0.2"), used, [A("10.0.0.1")]));
        Assert.Equal(1, Ipam.Capacity(A("10.0.0.1"), A("10.0.0.2"), [A("10.0.0.1")]));
    }

    [Fact]
    public void NetworkRangeDefaultsToTheSubnetsHosts()
    {
        var n = NetworkValidation.Normalize(new() { Name = "lan", Subnet = "10.5.0.0/24", Gateway = "10.5.0.1" }, "berth0");
        Assert.Equal("10.5.0.1", n.ProvisionStartIp);
        Assert.Equal("10.5.0.254", n.ProvisionEndIp);
        Assert.Equal("b-lan", n.Bridge);
    }

    [Theory]
    [InlineData("provision_start_ip", "10.5.1.1", null, null, null)]
    [InlineData("provision_end_ip", "10.5.0.20", "10.5.0.10", null, null)]
    [InlineData("vxlan_vni", null, null, 0, null)]
    [InlineData("vxlan_peers[0]", null, null, 42, "not-an-ip")]
    public void RefusesBadRangesAndSegments(string property, string? start, string? end, int? vni, string? peer)
    {
        var n = new Berth.Api.Contracts.Network
        {
            Name = "lan", Subnet = "10.5.0.0/24", Gateway = "10.5.0.1", ProvisionStartIp = start, ProvisionEndIp = end,
            VxlanVni = vni, VxlanPeers = peer is null ? null : [peer],
        };
        BerthException e = Assert.Throws<BerthException>(() => NetworkValidation.Normalize(n, "berth0"));
        Assert.Contains(e.Errors, x => x.Property == property);
    }

    [Fact]
    public void VxlanNetworksDefaultToAnMtuThatFitsTheHeaders()
    {
        var n = NetworkValidation.Normalize(new() { Name = "ov", Subnet = "10.6.0.0/24", Gateway = "10.6.0.1", VxlanVni = 42 }, "berth0");
        Assert.Equal(1450, n.Mtu);
        Assert.Empty(n.VxlanPeers!);
    }
}
