using Berth.Core.Networking.Netlink;

namespace Berth.Tests.Network;

/// <summary>Golden byte layouts of the rtnetlink requests that plumb a nic (x86-64: host integers little-endian, addresses network order).</summary>
public sealed class NetlinkMessageTests
{
    private const uint Seq = 7;

    [Fact]
    public void NewVethCarriesMasterMtuUpAndAPeerBornInsideTheInstanceNamespace()
    {
        byte[] bytes = RtnlRequests.NewVeth("vb6f1c9a2e3b_1", masterIndex: 5, mtu: 9000, "eth1", "02:00:0a:df:00:05", peerNetnsFd: 42).ToArray(Seq);

        AssertHex(
            // nlmsghdr: len 148, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 7, pid 0
            "94000000 1000 0506 07000000 00000000"
            // ifinfomsg: AF_UNSPEC, pad, type 0, index 0, flags IFF_UP, change IFF_UP
            + "00 00 0000 00000000 01000000 01000000"
            // IFLA_IFNAME "vb6f1c9a2e3b_1\0" + 1 pad
            + "1300 0300 7662366631633961326533625f3100 00"
            // IFLA_MTU 9000, IFLA_MASTER 5
            + "0800 0400 28230000" + "0800 0a00 05000000"
            // IFLA_LINKINFO (80) { IFLA_INFO_KIND "veth\0", IFLA_INFO_DATA (64) { VETH_INFO_PEER (60) {
            + "5000 1200" + "0900 0100 7665746800 000000" + "4000 0200" + "3c00 0100"
            //   ifinfomsg (zero), IFLA_IFNAME "eth1\0", IFLA_ADDRESS mac + 2 pad, IFLA_MTU 9000, IFLA_NET_NS_FD 42 } } }
            + "00000000 00000000 00000000 00000000"
            + "0900 0300 6574683100 000000"
            + "0a00 0100 02000adf0005 0000"
            + "0800 0400 28230000"
            + "0800 1c00 2a000000",
            bytes);
    }

    [Fact]
    public void NewVethWithoutMtuLeavesItOut()
    {
        byte[] bytes = RtnlRequests.NewVeth("vb6f1c9a2e3b_0", 5, null, "eth0", "02:00:0a:de:00:05", 42).ToArray(Seq);

        Assert.Equal(148 - 16, bytes.Length);
        Assert.Equal(bytes.Length, BitConverter.ToInt32(bytes, 0));
        Assert.DoesNotContain("08000400", Convert.ToHexString(bytes).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public void NewAddressV4SetsLocalAndAddressWithThePrefix()
    {
        AssertHex(
            // nlmsghdr: len 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            "28000000 1400 0506 07000000 00000000"
            // ifaddrmsg: AF_INET, prefix 24, flags 0, scope universe, index 3
            + "02 18 00 00 03000000"
            // IFA_LOCAL 10.222.0.5, IFA_ADDRESS 10.222.0.5
            + "0800 0200 0ade0005" + "0800 0100 0ade0005",
            RtnlRequests.NewAddress("10.222.0.5/24", 3).ToArray(Seq));
    }

    [Fact]
    public void NewAddressV6()
    {
        AssertHex(
            "40000000 1400 0506 07000000 00000000"
            // ifaddrmsg: AF_INET6, prefix 64, index 3
            + "0a 40 00 00 03000000"
            + "1400 0200 fd000000000000000000000000000005"
            + "1400 0100 fd000000000000000000000000000005",
            RtnlRequests.NewAddress("fd00::5/64", 3).ToArray(Seq));
    }

    [Fact]
    public void DefaultRouteReplacesViaTheGatewayOnTheLink()
    {
        AssertHex(
            // nlmsghdr: len 44, RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE
            "2c000000 1800 0505 07000000 00000000"
            // rtmsg: AF_INET, dst_len 0, src_len 0, tos 0, table main, proto boot, scope universe, unicast, flags 0
            + "02 00 00 00 fe 03 00 01 00000000"
            // RTA_GATEWAY 10.222.0.1, RTA_OIF 3
            + "0800 0500 0ade0001" + "0800 0400 03000000",
            RtnlRequests.ReplaceDefaultRoute("10.222.0.1", 3).ToArray(Seq));
    }

    [Fact]
    public void DefaultRouteV6()
    {
        byte[] bytes = RtnlRequests.ReplaceDefaultRoute("fd00::1", 2).ToArray(Seq);

        Assert.Equal(16 + 12 + 20 + 8, bytes.Length);
        Assert.Equal(10, bytes[16]);
        AssertHex("1400 0500 fd000000000000000000000000000001 0800 0400 02000000", bytes[28..]);
    }

    [Fact]
    public void LinkUpByIndexAndByName()
    {
        AssertHex("20000000 1000 0500 07000000 00000000" + "00 00 0000 03000000 01000000 01000000",
            RtnlRequests.SetUp(3).ToArray(Seq));
        AssertHex("28000000 1000 0500 07000000 00000000" + "00 00 0000 00000000 01000000 01000000" + "0700 0300 6c6f00 00",
            RtnlRequests.SetUp("lo").ToArray(Seq));
    }

    [Fact]
    public void GetLinkAsksWithoutAckAndDeleteLinkWithAck()
    {
        AssertHex("2c000000 1200 0100 07000000 00000000" + "00 00 0000 00000000 00000000 00000000" + "0b00 0300 62657274683000 00",
            RtnlRequests.GetLink("berth0").ToArray(Seq));
        Assert.Equal(Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK, RtnlRequests.DeleteLink("vb0").Flags);
        Assert.Equal(Rtnl.RTM_DELLINK, RtnlRequests.DeleteLink("vb0").Type);
    }

    [Fact]
    public void AttributesArePaddedToFourBytesButKeepTheirOwnLength()
    {
        var m = new NetlinkMessage(1, 0);
        m.Attr(9, [0xaa]);
        int nest = m.BeginNest(10);
        m.Attr(11, [0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        m.EndNest(nest);

        AssertHex("28000000 0100 0000 03000000 00000000" + "0500 0900 aa 000000" + "1000 0a00" + "0900 0b00 bbccddeeff 000000",
            m.ToArray(3));
    }

    [Fact]
    public void AKernelErrorNamesTheOperationAndTheErrno()
    {
        var e = new NetlinkException("adding veth vb6f1c9a2e3b_0", 17);

        Assert.Equal("adding veth vb6f1c9a2e3b_0: File exists (EEXIST)", e.Message);
        Assert.Equal("errno 200", NetlinkException.ErrnoName(200));
    }

    private static void AssertHex(string expected, byte[] actual) =>
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(actual).ToLowerInvariant());
}
