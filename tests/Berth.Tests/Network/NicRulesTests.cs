using Berth.Core;
using Berth.Core.Networking;

namespace Berth.Tests.Network;

public sealed class NicRulesTests
{
    private const string Uuid = "6f1c9a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";


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
    public void OnlyPlainValuesPass(string bridge, string mac, string ip, string? gateway, string property)
    {
        var nic = new NicPlan(0, bridge, mac, [ip], gateway, null);

        var e = Assert.Throws<BerthException>(() => NicRules.Validate(nic));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(property, e.Errors.Single().Property);
    }

    [Fact]
    public void BridgeMacIsStableLocalAndUnicast()
    {
        string mac = NicRules.BridgeMac("berth0");

        Assert.Equal(mac, NicRules.BridgeMac("berth0"));
        Assert.NotEqual(mac, NicRules.BridgeMac("berth1"));
        Assert.StartsWith("02:", mac);
    }
}
