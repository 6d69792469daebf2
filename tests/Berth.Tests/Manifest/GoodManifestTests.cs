using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Manifests;

namespace Berth.Tests.Manifests;

public sealed class GoodManifestTests
{
    [Fact]
    public void MinimalManifestGetsEveryDefault()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG'}");

        Assert.True(Guid.TryParseExact(m.Uuid, "D", out _));
        Assert.Equal(m.Uuid, m.Hostname);
        Assert.Equal("lx", m.Brand);
        Assert.Equal(ManifestJson.ImageUuid, m.ImageUuid);
        Assert.True(m.Autoboot);
        Assert.Equal(256, m.MaxPhysicalMemory);
        Assert.Equal(512, m.MaxSwap);
        Assert.Equal(0, m.CpuCap);
        Assert.Equal(100, m.CpuShares);
        Assert.Equal(2000, m.MaxLwps);
        Assert.Equal(10, m.Quota);
        Assert.Equal("default", m.Zpool);
        Assert.Null(m.Nics);
        Assert.Null(m.State);
    }

    [Fact]
    public void EachCreateGetsItsOwnUuid()
    {
        Assert.NotEqual(ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG'}").Uuid, ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG'}").Uuid);
    }

    [Fact]
    public void GivenValuesAreKeptAndUuidsLowercased()
    {
        Manifest m = ManifestJson.Valid(
            "{'brand':'lx','image_uuid':'IMG','uuid':'A1B2C3D4-0000-4000-8000-00000000000A','alias':'web01','max_physical_memory':1024,'max_swap':1024,'cpu_cap':150,'quota':0,'autoboot':false,'resolvers':['1.1.1.1']}");

        Assert.Equal("a1b2c3d4-0000-4000-8000-00000000000a", m.Uuid);
        Assert.Equal("web01", m.Alias);
        Assert.Equal("web01", m.Hostname);
        Assert.Equal(1024, m.MaxPhysicalMemory);
        Assert.Equal(1024, m.MaxSwap);
        Assert.Equal(150, m.CpuCap);
        Assert.Equal(0, m.Quota);
        Assert.False(m.Autoboot);
        Assert.Equal(["1.1.1.1"], m.Resolvers!);
    }

    [Fact]
    public void SwapDefaultsToTwiceTheMemory()
    {
        Assert.Equal(2048, ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','max_physical_memory':1024}").MaxSwap);
    }

    [Fact]
    public void NicsGetInterfacesMacsTagsAndAPrimary()
    {
        Manifest m = ManifestJson.Valid(
            "{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','gateway':'10.0.0.1'},{'nic_tag':'storage','ips':['192.168.7.9/16']}]}");

        Assert.Collection(
            m.Nics!,
            nic =>
            {
                Assert.Equal("eth0", nic.Interface);
                Assert.Equal("admin", nic.NicTag);
                Assert.True(nic.Primary);
                Assert.Equal("10.0.0.1", nic.Gateway);
            },
            nic =>
            {
                Assert.Equal("eth1", nic.Interface);
                Assert.Equal("storage", nic.NicTag);
                Assert.False(nic.Primary);
            });
        foreach (Nic nic in m.Nics!)
        {
            Assert.True(MacAddress.TryParse(nic.Mac, out _, out byte[] octets));
            Assert.Equal(0x02, octets[0] & 0x03); // locally administered, unicast
        }

        Assert.NotEqual(m.Nics![0].Mac, m.Nics[1].Mac);
    }

    [Fact]
    public void GeneratedMacsFollowFromUuidAndIndex()
    {
        const string json = "{'brand':'lx','image_uuid':'IMG','uuid':'a1b2c3d4-0000-4000-8000-00000000000a','nics':[{'ips':['10.0.0.5/24']}]}";

        Assert.Equal(ManifestJson.Valid(json).Nics![0].Mac, ManifestJson.Valid(json).Nics![0].Mac);
    }

    [Fact]
    public void GivenMacIsLowercasedAndKept()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/24'],'mac':'02:AB:CD:00:00:01'}]}");

        Assert.Equal("02:ab:cd:00:00:01", m.Nics![0].Mac);
    }

    [Fact]
    public void MarkedPrimaryWins()
    {
        Manifest m = ManifestJson.Valid(
            "{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/24']},{'ips':['10.0.1.5/24'],'primary':true}]}");

        Assert.Equal([false, true], m.Nics!.Select(n => n.Primary == true).ToArray());
    }

    [Fact]
    public void GatewayMayLieInAnyOfTheIps()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/24','172.16.0.5/12'],'gateway':'172.16.0.1'}]}");

        Assert.Equal(
            [("10.0.0.5", 24), ("172.16.0.5", 12)],
            NicAddresses.Of(m.Nics![0]).Select(a => (a.Address.ToString(), a.PrefixLength)).ToArray());
    }

    [Fact]
    public void NicAddressesReadsIpAndNetmask()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.88.0.7','netmask':'255.255.0.0'}]}");

        (System.Net.IPAddress address, int prefix) = Assert.Single(NicAddresses.Of(m.Nics![0]));
        Assert.Equal("10.88.0.7", address.ToString());
        Assert.Equal(16, prefix);
    }

    [Fact]
    public void TagsAndMetadataKeepTheirValues()
    {
        Manifest m = ManifestJson.Valid(
            "{'brand':'lx','image_uuid':'IMG','tags':{'role':'web','tier':2,'prod':true},'customer_metadata':{'user-script':'echo hi'},'internal_metadata':{}}");

        Assert.Equal(JsonValueKind.String, m.Tags!["role"].ValueKind);
        Assert.Equal(2, m.Tags["tier"].GetInt32());
        Assert.True(m.Tags["prod"].GetBoolean());
        Assert.Equal("echo hi", m.CustomerMetadata!["user-script"]);
        Assert.Empty(m.InternalMetadata!);
    }

    [Fact]
    public void NormalizedManifestSerializesWithVmadmNames()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/24']}]}");

        string json = JsonSerializer.Serialize(m, BerthJson.Default.Manifest);

        Assert.Contains("\"max_physical_memory\": 256", json, StringComparison.Ordinal);
        Assert.Contains("\"nic_tag\": \"admin\"", json, StringComparison.Ordinal);
        Assert.Contains("\"interface\": \"eth0\"", json, StringComparison.Ordinal);
    }
}
