using Berth.Core;
using Berth.Core.Networking;

namespace Berth.Tests.Network;

public sealed class NicBatchTests
{
    private const string Uuid = "6f1c9a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

    private static readonly NicPlan s_primary = new(0, "berth0", "02:00:0a:de:00:05", ["10.222.0.5/24"], "10.222.0.1", null);
    private static readonly NicPlan s_second = new(1, "berth1", "02:00:0a:df:00:05", ["10.223.0.5/24", "fd00::5/64"], null, 9000);

    [Fact]
    public void HostScriptCreatesEachVethBridgedAndUpWithItsPeerInside()
    {
        string script = NicBatch.Join(NicBatch.HostScript(Uuid, 4242, [s_primary, s_second]));

        Assert.Equal(
            "link add vb6f1c9a2e3b_0 master berth0 up type veth peer name eth0 address 02:00:0a:de:00:05 netns 4242\n"
            + "link add vb6f1c9a2e3b_1 master berth1 mtu 9000 up type veth peer name eth1 address 02:00:0a:df:00:05 mtu 9000 netns 4242\n",
            script);
    }

    [Fact]
    public void InnerScriptAddressesBringsUpAndRoutesLast()
    {
        string script = NicBatch.Join(NicBatch.InnerScript([s_primary, s_second]));

        Assert.Equal(
            "link set lo up\n"
            + "addr add 10.222.0.5/24 dev eth0\n"
            + "link set eth0 up\n"
            + "addr add 10.223.0.5/24 dev eth1\n"
            + "addr add fd00::5/64 dev eth1\n"
            + "link set eth1 up\n"
            + "route replace default via 10.222.0.1 dev eth0\n",
            script);
    }

    [Fact]
    public void Ipv6GatewayGetsAnIpv6Route()
    {
        var nic = new NicPlan(0, "berth0", "02:00:00:00:00:01", ["fd00::5/64"], "fd00::1", null);

        Assert.Contains("-6 route replace default via fd00::1 dev eth0", NicBatch.Join(NicBatch.InnerScript([nic])));
    }

    [Fact]
    public void LinesKnowTheirNic()
    {
        var lines = NicBatch.InnerScript([s_primary, s_second]);

        Assert.Null(lines[0].Nic);
        Assert.Equal(1, lines[4].Nic);
        Assert.Equal(0, lines[^1].Nic);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(99)]
    public void HostInterfaceNamesFitIfnamsiz(int index)
    {
        string name = NicPlumber.HostInterfaceName(Uuid, index);

        Assert.InRange(name.Length, 1, 15);
        Assert.StartsWith("vb6f1c9a2e3b_", name);
    }

    [Fact]
    public void HostInterfaceNamesDifferPerInstanceAndNic()
    {
        string other = "7f1c9a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

        Assert.NotEqual(NicPlumber.HostInterfaceName(Uuid, 0), NicPlumber.HostInterfaceName(Uuid, 1));
        Assert.NotEqual(NicPlumber.HostInterfaceName(Uuid, 0), NicPlumber.HostInterfaceName(other, 0));
        Assert.Equal(NicPlumber.HostInterfaceName(Uuid.ToUpperInvariant(), 0), NicPlumber.HostInterfaceName(Uuid, 0));
    }

    [Theory]
    [InlineData("not-a-uuid", 0)]
    [InlineData(Uuid, -1)]
    [InlineData(Uuid, 100)]
    public void HostInterfaceNameRefusesBadInput(string uuid, int index) =>
        Assert.ThrowsAny<ArgumentException>(() => NicPlumber.HostInterfaceName(uuid, index));

    [Theory]
    [InlineData("berth0 type dummy", "02:00:00:00:00:01", "10.0.0.2/24", null, "nics[0].bridge")]
    [InlineData("-berth0", "02:00:00:00:00:01", "10.0.0.2/24", null, "nics[0].bridge")]
    [InlineData("berth0", "02:00:00:00:00", "10.0.0.2/24", null, "nics[0].mac")]
    [InlineData("berth0", "02:00:00:00:00:01 up", "10.0.0.2/24", null, "nics[0].mac")]
    [InlineData("berth0", "02:00:00:00:00:01", "10.0.0.2", null, "nics[0].ips")]
    [InlineData("berth0", "02:00:00:00:00:01", "10.0.0.2/33", null, "nics[0].ips")]
    [InlineData("berth0", "02:00:00:00:00:01", "10.0.0.2/24 dev lo", null, "nics[0].ips")]
    [InlineData("berth0", "02:00:00:00:00:01", "10.0.0.2/24", "10.0.0.1 dev lo", "nics[0].gateway")]
    public void NothingButPlainValuesReachesAScript(string bridge, string mac, string ip, string? gateway, string property)
    {
        var nic = new NicPlan(0, bridge, mac, [ip], gateway, null);

        var e = Assert.Throws<BerthException>(() => NicBatch.HostScript(Uuid, 1, [nic]));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(property, e.Errors.Single().Property);
    }

    [Fact]
    public void BridgeMacIsStableLocalAndUnicast()
    {
        string mac = NicBatch.BridgeMac("berth0");

        Assert.Equal(mac, NicBatch.BridgeMac("berth0"));
        Assert.NotEqual(mac, NicBatch.BridgeMac("berth1"));
        Assert.StartsWith("02:", mac);
    }

    [Theory]
    [InlineData("RTNETLINK answers: File exists\nCommand failed -:3\n", 3)]
    [InlineData("Error: argument \"x\" is wrong: Device does not exist\n", null)]
    public void FailedLineIsReadFromIpStderr(string stderr, int? line) => Assert.Equal(line, NicBatch.FailedLine(stderr));
}
