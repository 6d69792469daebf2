using Berth.Core;

namespace Berth.Tests.Manifests;

public sealed class BadManifestTests
{
    // Each case: a manifest (single quotes for double, IMG for a valid image uuid), the path it must be
    // refused at, and a fragment of the message.
    [Theory]
    // required, brand
    [InlineData("{}", "brand", "is required")]
    [InlineData("{'image_uuid':'IMG'}", "brand", "is required")]
    [InlineData("{'brand':'lx'}", "image_uuid", "is required")]
    [InlineData("{'brand':'kvm','image_uuid':'IMG','kernel':'/k'}", "image_uuid", "is not a property of brand kvm")]
    [InlineData("{'brand':'bhyve','image_uuid':'IMG'}", "brand", "\"bhyve\" is not supported yet")]
    [InlineData("{'brand':'docker','image_uuid':'IMG'}", "brand", "is not one of lx, kvm")]
    [InlineData("{'brand':5,'image_uuid':'IMG'}", "brand", "5 is not a string")]
    [InlineData("{'brand':'lx','brand':'lx','image_uuid':'IMG'}", "brand", "is given twice")]
    [InlineData("[]", "manifest", "is not a JSON object")]
    // unknown
    [InlineData("{'brand':'lx','image_uuid':'IMG','colour':'red'}", "colour", "unknown property")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_lwp':100}", "max_lwp", "did you mean max_lwps?")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','ram':512}", "ram", "is not a property of brand lx")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','rams':512}", "rams", "did you mean ram?")]
    // sizes and numbers
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':'512M'}", "max_physical_memory", "\"512M\" is not an integer (MiB)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':512.5}", "max_physical_memory", "512.5 is not an integer (MiB)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':8}", "max_physical_memory", "8 is below the minimum of 16 (MiB)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':-1}", "max_physical_memory", "below the minimum")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':99999999999999999999}", "max_physical_memory", "is not an integer")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_physical_memory':512,'max_swap':256}", "max_swap", "256 is below max_physical_memory (512)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_swap':true}", "max_swap", "true is not an integer (MiB)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','cpu_cap':-5}", "cpu_cap", "-5 is below the minimum of 0")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','cpu_cap':100001}", "cpu_cap", "above the maximum of 100000 (percent of one CPU)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','cpu_shares':1}", "cpu_shares", "below the minimum of 2")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_lwps':'lots'}", "max_lwps", "\"lots\" is not an integer")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','max_lwps':5}", "max_lwps", "below the minimum of 10")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','quota':'10G'}", "quota", "\"10G\" is not an integer (GiB)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','quota':-1}", "quota", "below the minimum of 0 (GiB)")]
    // supervision
    [InlineData("{'brand':'lx','image_uuid':'IMG','restart':'sometimes'}", "restart", "is not one of no, on-failure, always")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','health_check':'tcp 99999'}", "health_check", "is not \"tcp PORT\" with a port from 1 to 65535")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','health_check':' '}", "health_check", "is empty")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','health_check':'tcp 80'}", "health_check", "a tcp check needs a nic with an address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','depends_on':'db'}", "depends_on", "is not an array")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','depends_on':['db_1']}", "depends_on[0]", "is not a UUID or alias of an instance")]
    // identity
    [InlineData("{'brand':'lx','image_uuid':'IMG','uuid':'not-a-uuid'}", "uuid", "\"not-a-uuid\" is not a UUID")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','uuid':'{3e2b1d5c-5f0e-4c1a-9d8e-000000000002}'}", "uuid", "is not a UUID")]
    [InlineData("{'brand':'lx','image_uuid':'1234'}", "image_uuid", "\"1234\" is not a UUID")]
    [InlineData("{'brand':'lx','image_uuid':null}", "image_uuid", "null is not a UUID")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','autoboot':'yes'}", "autoboot", "\"yes\" is not a boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','autoboot':1}", "autoboot", "1 is not a boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','alias':'web_01'}", "alias", "is not a valid hostname label")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','alias':'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}", "alias", "is not a valid hostname label")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','alias':''}", "alias", "is not a valid hostname label")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','hostname':'-web'}", "hostname", "is not a valid hostname label")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','hostname':'web.example.com'}", "hostname", "is not a valid hostname label")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','zpool':'my pool'}", "zpool", "is not a valid name")]
    // resolvers, tags, metadata
    [InlineData("{'brand':'lx','image_uuid':'IMG','resolvers':'8.8.8.8'}", "resolvers", "is not an array")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','resolvers':['8.8.8']}", "resolvers[0]", "\"8.8.8\" is not an IPv4 address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','resolvers':['1.1.1.1','256.1.1.1']}", "resolvers[1]", "is not an IPv4 address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','resolvers':['1.1.1.1','1.0.0.1','8.8.8.8','8.8.4.4']}", "resolvers", "has 4 entries, more than the maximum of 3")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','tags':[]}", "tags", "[] is not an object")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','tags':{'role':[1]}}", "tags.role", "[1] is not a string, number or boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','tags':{'role':null}}", "tags.role", "null is not a string, number or boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','tags':{'a b':{}}}", "tags[\"a b\"]", "is not a string, number or boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','customer_metadata':{'user-script':5}}", "customer_metadata.user-script", "5 is not a string")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','customer_metadata':{'':'x'}}", "customer_metadata[\"\"]", "a key may not be empty")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','internal_metadata':{'k':true}}", "internal_metadata.k", "true is not a string")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','internal_metadata':'k=v'}", "internal_metadata", "is not an object")]
    // read-only
    [InlineData("{'brand':'lx','image_uuid':'IMG','state':'running'}", "state", "is read-only")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','pid':1}", "pid", "is read-only")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','create_timestamp':'2024-01-01T00:00:00Z'}", "create_timestamp", "is read-only")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','last_modified':'2024-01-01T00:00:00Z'}", "last_modified", "is read-only")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','exit_status':0}", "exit_status", "is read-only")]
    // nics
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':{}}", "nics", "{} is not an array")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[5]}", "nics[0]", "5 is not an object")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.1.1','netmask':'255.255.255.0'}]}", "nics[0].ip", "\"10.1.1\" is not an IPv4 address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'010.0.0.1','netmask':'255.255.255.0'}]}", "nics[0].ip", "is not an IPv4 address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.0.255.0'}]}", "nics[0].netmask", "contiguous")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'0.0.0.0'}]}", "nics[0].netmask", "is not a netmask")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','vlan_id':4095}]}", "nics[0].vlan_id", "above the maximum")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'network_uuid':'nope'}]}", "nics[0].network_uuid", "is not a UUID")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','routes':{'10.9.0.0/33':'10.0.0.1'}}", "routes[\"10.9.0.0/33\"]", "is not a destination")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','routes':{'10.9.0.0/16':'gw'}}", "routes[\"10.9.0.0/16\"]", "is not a gateway")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','routes':{'10.9.0.0/16':'nics[1]'},'nics':[{}]}", "routes[\"10.9.0.0/16\"]", "has 1 nic(s)")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'netmask':'255.255.255.0'}]}", "nics[0].ip", "is required with netmask")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','ips':['10.0.0.6/24']}]}", "nics[0].ips", "not both")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5']}]}", "nics[0].ips[0]", "is not an IPv4 address in CIDR form")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.5/33']}]}", "nics[0].ips[0]", "in CIDR form")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':[]}]}", "nics[0].ips", "needs at least one entry")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.0','netmask':'255.255.255.0'}]}", "nics[0].ip", "10.0.0.0 is the network address of 10.0.0.0/24")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ips':['10.0.0.255/24']}]}", "nics[0].ips[0]", "is the broadcast address of 10.0.0.0/24")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'127.0.0.2','netmask':'255.0.0.0'}]}", "nics[0].ip", "is not a usable host address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','gateway':'10.0.1.1'}]}", "nics[0].gateway", "10.0.1.1 is not in the nic's subnet 10.0.0.0/24")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','gateway':'10.0.0.5'}]}", "nics[0].gateway", "is the nic's own address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','gateway':'gw'}]}", "nics[0].gateway", "\"gw\" is not an IPv4 address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','mac':'zz:00:00:00:00:01'}]}", "nics[0].mac", "is not a MAC address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','mac':'01:00:5e:00:00:01'}]}", "nics[0].mac", "is a multicast MAC address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','mac':'00:00:00:00:00:00'}]}", "nics[0].mac", "is not a usable MAC address")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','mac':'02:00:00:00:00:01'},{'ip':'10.0.1.5','netmask':'255.255.255.0','mac':'02:00:00:00:00:01'}]}", "nics[1].mac", "is also the mac of nics[0]")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','primary':true},{'ip':'10.0.1.5','netmask':'255.255.255.0','primary':true}]}", "nics[1].primary", "only one nic may be primary, and nics[0] is")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','primary':false}]}", "nics[0].primary", "one nic must be primary")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','primary':'yes'}]}", "nics[0].primary", "is not a boolean")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0'},{'ips':['10.0.0.5/24']}]}", "nics[1].ips[0]", "10.0.0.5 is also the address of nics[0].ip")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','interface':'eth0'}]}", "nics[0].interface", "is read-only")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','vlan':5}]}", "nics[0].vlan", "unknown property")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','nics':[{'ip':'10.0.0.5','netmask':'255.255.255.0','nic_tag':'bad tag'}]}", "nics[0].nic_tag", "is not a valid name")]
    public void BadManifestIsRefusedAtItsPath(string json, string path, string fragment)
    {
        BerthException e = ManifestJson.Invalid(json);

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(e.Errors, error => error.Property == path && error.Message.Contains(fragment, StringComparison.Ordinal));
    }

    [Fact]
    public void MessageIsTheFirstErrorWithItsPath()
    {
        BerthException e = ManifestJson.Invalid("{'brand':'lx','image_uuid':'IMG','max_physical_memory':'512M'}");

        Assert.Equal("max_physical_memory: \"512M\" is not an integer (MiB)", e.Message);
    }

    [Fact]
    public void EveryProblemIsListed()
    {
        BerthException e = ManifestJson.Invalid(
            "{'image_uuid':'x','cpu_cap':'a','colour':1,'state':'running','nics':[{'ip':'10.1.1','netmask':'255.255.255.0'}]}");

        Assert.Equal(
            ["image_uuid", "cpu_cap", "colour", "state", "brand", "nics[0].ip"],
            e.Errors.Select(error => error.Property).ToArray());
        Assert.StartsWith("image_uuid: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextThatIsNotJsonIsRefused()
    {
        BerthException e = Assert.Throws<BerthException>(() => Berth.Core.Manifests.ManifestValidator.Validate("{brand: lx"));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("manifest", Assert.Single(e.Errors).Property);
    }

    [Fact]
    public void ThereAreAtLeastFortyBadManifests()
    {
        int cases = typeof(BadManifestTests).GetMethod(nameof(BadManifestIsRefusedAtItsPath))!
            .GetCustomAttributes(typeof(InlineDataAttribute), inherit: false).Length;

        Assert.True(cases >= 40, $"only {cases} bad manifests");
    }
}
