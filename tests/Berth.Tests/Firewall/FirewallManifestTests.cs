using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Firewall;
using Berth.Core.Manifests;
using Berth.Tests.Manifests;

namespace Berth.Tests.Firewall;

/// <summary>firewall_enabled and the nic anti-spoofing properties: validation, update, and what the firewall reads of them.</summary>
public sealed class FirewallManifestTests
{
    private const string Nic = "'nic_tag':'admin','ip':'10.0.0.5','netmask':'255.255.255.0'";

    [Fact]
    public void SpoofingPropertiesAreReadAndNormalized()
    {
        Manifest m = ManifestJson.Valid($"{{'brand':'lx','image_uuid':'IMG','firewall_enabled':true,'tags':{{'role':'db','n':3}},"
            + $"'nics':[{{{Nic},'allow_ip_spoofing':true,'allow_mac_spoofing':false,'allow_dhcp_spoofing':true,'allowed_ips':['10.0.0.9','10.1.0.7/24']}}]}}");
        Assert.True(m.FirewallEnabled);
        Nic nic = Assert.Single(m.Nics!);
        Assert.Equal((true, false, true), (nic.AllowIpSpoofing, nic.AllowMacSpoofing, nic.AllowDhcpSpoofing));
        Assert.Equal(["10.0.0.9", "10.1.0.0/24"], nic.AllowedIps!);

        FwInstance seen = FwInstance.From(m);
        Assert.True(seen.FirewallEnabled);
        Assert.Equal("3", seen.Tags["n"]);
        Assert.Equal(["10.0.0.5"], seen.Addresses.Select(a => a.ToString()));
        Assert.StartsWith("vb", Assert.Single(seen.Nics).HostInterface);
    }

    [Fact]
    public void WithoutThemAManifestStaysAsItWas()
    {
        Manifest m = ManifestJson.Valid($"{{'brand':'lx','image_uuid':'IMG','nics':[{{{Nic}}}]}}");
        Assert.Null(m.FirewallEnabled);
        Assert.Null(m.Nics![0].AllowIpSpoofing);
        Assert.False(FwInstance.From(m).FirewallEnabled);
    }

    [Theory]
    [InlineData("'firewall_enabled':'yes'", "firewall_enabled", "is not a boolean")]
    [InlineData("'nics':[{" + Nic + ",'allow_ip_spoofing':1}]", "nics[0].allow_ip_spoofing", "is not a boolean")]
    [InlineData("'nics':[{" + Nic + ",'allowed_ips':['10.0.0.300']}]", "nics[0].allowed_ips[0]", "is not an IPv4 address or a subnet")]
    [InlineData("'nics':[{" + Nic + ",'allowed_ips':'10.0.0.9'}]", "nics[0].allowed_ips", "is not an array")]
    [InlineData("'nics':[{" + Nic + ",'allowed_ips':[]}]", "nics[0].allowed_ips", "needs at least one entry")]
    [InlineData("'nics':[{" + Nic + ",'allow_ip_spoof':true}]", "nics[0].allow_ip_spoof", "did you mean allow_ip_spoofing?")]
    public void BadValuesAreRefusedByPath(string extra, string path, string message)
    {
        BerthException e = ManifestJson.Invalid($"{{'brand':'lx','image_uuid':'IMG',{extra}}}");
        PropertyError error = Assert.Single(e.Errors, x => x.Property == path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void FirewallEnabledIsUpdatedLive()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG'}");
        using JsonDocument patch = JsonDocument.Parse("""{"firewall_enabled": true}""");
        ManifestUpdate update = ManifestValidator.ValidateUpdate(m, patch.RootElement);
        Assert.True(update.Updated.FirewallEnabled);
        Assert.Contains("firewall_enabled", update.ChangedProperties);
        Assert.DoesNotContain("firewall_enabled", update.NeedRestart);
    }
}
