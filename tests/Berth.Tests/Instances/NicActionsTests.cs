using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Instances;

namespace Berth.Tests.Instances;

public sealed class NicActionsTests
{
    private static readonly List<Nic> s_current =
    [
        new() { Interface = "eth0", NicTag = "admin", Ip = "10.0.0.5", Netmask = "255.255.255.0", Mac = "02:00:00:00:00:01", Primary = true },
        new() { Interface = "eth1", NicTag = "lan", Ip = "10.1.0.5", Netmask = "255.255.255.0", Mac = "02:00:00:00:00:02", Primary = false },
    ];

    private static NicActions Parse(string json) => NicActions.Split(JsonDocument.Parse(json.Replace('\'', '"')).RootElement).Actions!;

    [Fact]
    public void SplitLeavesTheOtherPropertiesAlone()
    {
        (JsonElement others, NicActions? actions) = NicActions.Split(JsonDocument.Parse("""{"alias":"x","remove_nics":["02:00:00:00:00:02"]}""").RootElement);
        Assert.Equal("x", others.GetProperty("alias").GetString());
        Assert.False(others.TryGetProperty("remove_nics", out _));
        Assert.Equal(["02:00:00:00:00:02"], actions!.Remove);
    }

    [Fact]
    public void RemovingThePrimaryMakesTheFirstLeftPrimary()
    {
        var array = Parse("{'remove_nics':['02:00:00:00:00:01']}").Apply(s_current, out _);
        Assert.Single(array);
        Assert.False(array[0]!.AsObject().ContainsKey("primary"));
    }

    [Fact]
    public void AnAddedPrimaryTakesPrimaryFromTheOthers()
    {
        var array = Parse("{'add_nics':[{'nic_tag':'lan','primary':true}]}").Apply(s_current, out _);
        Assert.Equal(3, array.Count);
        Assert.False(array[0]!["primary"]!.GetValue<bool>());
        Assert.True(array[2]!["primary"]!.GetValue<bool>());
    }

    [Fact]
    public void UpdateReplacesTheAddressFormAndMarksTheNic()
    {
        var array = Parse("{'update_nics':[{'mac':'02:00:00:00:00:02','ips':['10.1.0.9/24']}]}").Apply(s_current, out HashSet<string> changed);
        Assert.False(array[1]!.AsObject().ContainsKey("ip"));
        Assert.Equal("10.1.0.9/24", array[1]!["ips"]![0]!.GetValue<string>());
        Assert.Contains("02:00:00:00:00:02", changed);
    }

    [Fact]
    public void AnUnknownMacIsRefusedByName()
    {
        BerthException e = Assert.Throws<BerthException>(() => Parse("{'remove_nics':['02:00:00:00:00:09']}").Apply(s_current, out _));
        Assert.Contains("02:00:00:00:00:09", e.Message);
    }
}
