using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Berth.Core.Networking.Netlink;

/// <summary>Pure builders of the rtnetlink requests that plumb a nic; each asks for an ACK so errors come back.</summary>
internal static class RtnlRequests
{
    private const ushort Ack = Rtnl.NLM_F_REQUEST | Rtnl.NLM_F_ACK;

    /// <summary>
    /// `ip link add HOST master BR mtu M up type veth peer name PEER address MAC mtu M netns FD`: the host end
    /// enslaved and up at creation, the peer created directly inside the namespace <paramref name="peerNetnsFd"/> refers to.
    /// </summary>
    public static NetlinkMessage NewVeth(string hostName, int masterIndex, int? mtu, string peerName, string peerMac, int peerNetnsFd)
    {
        var m = new NetlinkMessage(Rtnl.RTM_NEWLINK, Ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
            .IfInfo(flags: Rtnl.IFF_UP, change: Rtnl.IFF_UP)
            .AttrString(Rtnl.IFLA_IFNAME, hostName);
        if (mtu is int hostMtu)
        {
            m.AttrU32(Rtnl.IFLA_MTU, (uint)hostMtu);
        }

        m.AttrU32(Rtnl.IFLA_MASTER, (uint)masterIndex);
        int linkInfo = m.BeginNest(Rtnl.IFLA_LINKINFO);
        m.AttrString(Rtnl.IFLA_INFO_KIND, "veth");
        int data = m.BeginNest(Rtnl.IFLA_INFO_DATA);
        int peer = m.BeginNest(Rtnl.VETH_INFO_PEER);
        m.IfInfo()
            .AttrString(Rtnl.IFLA_IFNAME, peerName)
            .Attr(Rtnl.IFLA_ADDRESS, ParseMac(peerMac));
        if (mtu is int peerMtu)
        {
            m.AttrU32(Rtnl.IFLA_MTU, (uint)peerMtu);
        }

        m.AttrU32(Rtnl.IFLA_NET_NS_FD, (uint)peerNetnsFd);
        return m.EndNest(peer).EndNest(data).EndNest(linkInfo);
    }

    /// <summary>`ip link set NAME up`, the link found by name.</summary>
    public static NetlinkMessage SetUp(string name) =>
        new NetlinkMessage(Rtnl.RTM_NEWLINK, Ack)
            .IfInfo(flags: Rtnl.IFF_UP, change: Rtnl.IFF_UP)
            .AttrString(Rtnl.IFLA_IFNAME, name);

    /// <summary>`ip link set dev #INDEX up`.</summary>
    public static NetlinkMessage SetUp(int index) =>
        new NetlinkMessage(Rtnl.RTM_NEWLINK, Ack).IfInfo(index: index, flags: Rtnl.IFF_UP, change: Rtnl.IFF_UP);

    /// <summary>`ip link show NAME`: answered by an RTM_NEWLINK carrying the index, or an error.</summary>
    public static NetlinkMessage GetLink(string name) =>
        new NetlinkMessage(Rtnl.RTM_GETLINK, Rtnl.NLM_F_REQUEST).IfInfo().AttrString(Rtnl.IFLA_IFNAME, name);

    /// <summary>`ip link del NAME`.</summary>
    public static NetlinkMessage DeleteLink(string name) =>
        new NetlinkMessage(Rtnl.RTM_DELLINK, Ack).IfInfo().AttrString(Rtnl.IFLA_IFNAME, name);

    /// <summary>`ip addr add CIDR dev #INDEX` (no peer, no broadcast, as ip does without `brd`).</summary>
    public static NetlinkMessage NewAddress(string cidr, int index)
    {
        (IPAddress ip, int prefix) = ParseCidr(cidr);
        byte[] bytes = ip.GetAddressBytes();
        return new NetlinkMessage(Rtnl.RTM_NEWADDR, Ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_EXCL)
            .IfAddr(Family(ip), (byte)prefix, Rtnl.RT_SCOPE_UNIVERSE, index)
            .Attr(Rtnl.IFA_LOCAL, bytes)
            .Attr(Rtnl.IFA_ADDRESS, bytes);
    }

    /// <summary>`ip route replace default via GATEWAY dev #INDEX` in the main table.</summary>
    public static NetlinkMessage ReplaceDefaultRoute(string gateway, int index)
    {
        IPAddress ip = IPAddress.Parse(gateway);
        return new NetlinkMessage(Rtnl.RTM_NEWROUTE, Ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE)
            .Rt(Family(ip), 0, Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, Rtnl.RT_SCOPE_UNIVERSE, Rtnl.RTN_UNICAST)
            .Attr(Rtnl.RTA_GATEWAY, ip.GetAddressBytes())
            .AttrU32(Rtnl.RTA_OIF, (uint)index);
    }

    /// <summary>
    /// `ip route replace DEST via GATEWAY` or `ip route replace DEST dev #INDEX` (scope link) in the main table;
    /// DEST is a CIDR or a host address.
    /// </summary>
    public static NetlinkMessage ReplaceRoute(string destination, string? gateway, int? index)
    {
        (IPAddress dst, int prefix) = destination.Contains('/', StringComparison.Ordinal) ? ParseCidr(destination) : (IPAddress.Parse(destination), 32);
        byte scope = gateway is null ? Rtnl.RT_SCOPE_LINK : Rtnl.RT_SCOPE_UNIVERSE;
        var m = new NetlinkMessage(Rtnl.RTM_NEWROUTE, Ack | Rtnl.NLM_F_CREATE | Rtnl.NLM_F_REPLACE)
            .Rt(Family(dst), (byte)prefix, Rtnl.RT_TABLE_MAIN, Rtnl.RTPROT_BOOT, scope, Rtnl.RTN_UNICAST)
            .Attr(Rtnl.RTA_DST, dst.GetAddressBytes());
        if (gateway is not null)
        {
            m.Attr(Rtnl.RTA_GATEWAY, IPAddress.Parse(gateway).GetAddressBytes());
        }

        if (index is int oif)
        {
            m.AttrU32(Rtnl.RTA_OIF, (uint)oif);
        }

        return m;
    }

    private static byte Family(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetworkV6 ? Rtnl.AF_INET6 : Rtnl.AF_INET;

    private static byte[] ParseMac(string mac) =>
        [.. mac.Split(':').Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    private static (IPAddress Address, int Prefix) ParseCidr(string cidr)
    {
        int slash = cidr.IndexOf('/');
        return (IPAddress.Parse(cidr[..slash]), int.Parse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture));
    }
}
