using Berth.Core;
using Berth.Core.Networking;

namespace Berth.Tests.Network;

public sealed class NetworkValidationTests
{
    private static Berth.Api.Contracts.Network Good => new() { Name = "admin", Subnet = "10.222.0.0/24", Gateway = "10.222.0.1" };

    [Fact]
    public void FillsDefaults()
    {
        Berth.Api.Contracts.Network n = NetworkValidation.Normalize(Good, "br9");
        Assert.Equal("admin", n.NicTag);
        Assert.Equal("br9", n.Bridge);
        Assert.True(Guid.TryParse(n.Uuid, out _));
    }

    [Theory]
    [InlineData("subnet", "10.222.0.0", null, null)]
    [InlineData("subnet", "10.222.0.0/31", null, null)]
    [InlineData("gateway", null, "10.1.0.1", null)]
    [InlineData("gateway", null, "nope", null)]
    [InlineData("bridge", null, null, "a-bridge-name-too-long")]
    [InlineData("name", null, null, null, "bad name")]
    public void RefusesNamingTheProperty(string property, string? subnet, string? gateway, string? bridge, string? name = null)
    {
        var n = Good with { Subnet = subnet ?? Good.Subnet, Gateway = gateway ?? Good.Gateway, Bridge = bridge, Name = name ?? Good.Name };
        BerthException e = Assert.Throws<BerthException>(() => NetworkValidation.Normalize(n, "berth0"));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(e.Errors, x => x.Property == property);
    }
}
