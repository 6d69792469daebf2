using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Metadata;

namespace Berth.Tests.Metadata;

public sealed class MetadataModelTests
{
    private static readonly Manifest s_vm = new()
    {
        Uuid = "5a0f7c1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a",
        Alias = "web01",
        Brand = "lx",
        MaxPhysicalMemory = 256,
        Resolvers = ["10.0.0.1", "10.0.0.2"],
        Tags = new() { ["role"] = JsonDocument.Parse("\"web\"").RootElement, ["tier"] = JsonDocument.Parse("3").RootElement },
        CustomerMetadata = new() { ["motd"] = "hello", ["shared"] = "customer's" },
        InternalMetadata = new() { ["root_pw"] = "secret", ["shared"] = "operator's" },
        Nics = [new Nic { Interface = "net0", Mac = "02:00:00:00:00:01", Ip = "10.0.0.5", Netmask = "255.255.255.0", NicTag = "admin", Primary = true }],
    };

    private static string? Value(string key) => MetadataModel.Get(s_vm, key) is { Status: MdataStatus.Success } r ? r.Payload : null;

    [Fact]
    public void CustomerAndInternalKeysAreRead()
    {
        Assert.Equal("hello", Value("motd"));
        Assert.Equal("secret", Value("root_pw"));
        Assert.Equal(MdataStatus.NotFound, MetadataModel.Get(s_vm, "absent").Status);
    }

    [Fact]
    public void InternalMetadataWinsOverACustomerKeyOfTheSameName() =>
        Assert.Equal("operator's", Value("shared"));

    [Theory]
    [InlineData("sdc:uuid", "5a0f7c1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a")]
    [InlineData("berth:uuid", "5a0f7c1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a")]
    [InlineData("sdc:alias", "web01")]
    [InlineData("sdc:hostname", "web01")]
    [InlineData("sdc:brand", "lx")]
    [InlineData("sdc:max_physical_memory", "256")]
    [InlineData("sdc:resolvers", "[\"10.0.0.1\",\"10.0.0.2\"]")]
    [InlineData("sdc:routes", "[]")]
    [InlineData("sdc:tags", "{\"role\":\"web\",\"tier\":3}")]
    [InlineData("sdc:tags.role", "web")]
    [InlineData("sdc:tags.tier", "3")]
    public void FactsAreReadUnderTheirPrefix(string key, string expected) =>
        Assert.Equal(expected, Value(key));

    [Fact]
    public void RoutesAreListedAsSmartOsGivesThem()
    {
        Manifest routed = s_vm with { Routes = new() { ["10.2.0.0/16"] = "10.0.0.254", ["192.0.2.9"] = "nics[0]" } };

        string? routes = MetadataModel.Get(routed, "sdc:routes").Payload;

        Assert.Equal(
            "[{\"linklocal\":false,\"dst\":\"10.2.0.0/16\",\"gateway\":\"10.0.0.254\"},{\"linklocal\":true,\"dst\":\"192.0.2.9\",\"gateway\":\"10.0.0.5\"}]",
            routes);
    }

    [Fact]
    public void NicsAreJsonWithVmadmNames()
    {
        using JsonDocument nics = JsonDocument.Parse(Value("sdc:nics")!);

        JsonElement nic = Assert.Single(nics.RootElement.EnumerateArray());
        Assert.Equal("02:00:00:00:00:01", nic.GetProperty("mac").GetString());
        Assert.Equal("admin", nic.GetProperty("nic_tag").GetString());
    }

    [Fact]
    public void UnknownFactsAndPlainFactNamesAreNotFound()
    {
        Assert.Equal(MdataStatus.NotFound, MetadataModel.Get(s_vm, "sdc:nonsense").Status);
        Assert.Equal(MdataStatus.NotFound, MetadataModel.Get(s_vm, "sdc:tags.absent").Status);
        Assert.Equal(MdataStatus.NotFound, MetadataModel.Get(s_vm, "uuid").Status); // plain names are customer keys
    }

    [Fact]
    public void HostnameFallsBackToTheUuid() =>
        Assert.Equal(s_vm.Uuid, MetadataModel.Get(s_vm with { Alias = null }, "sdc:hostname").Payload);

    [Fact]
    public void KeysListCustomerThenInternalOnce() =>
        Assert.Equal("motd\nshared\nroot_pw", MetadataModel.Keys(s_vm).Payload);

    [Theory]
    [InlineData("sdc:uuid")]
    [InlineData("sdc:anything")]
    [InlineData("berth:alias")]
    [InlineData("root_pw")]
    [InlineData("shared")]
    [InlineData("bad\nkey")]
    public void GuestCannotWriteFactsInternalKeysOrBadKeys(string key) =>
        Assert.NotNull(MetadataModel.RefuseWrite(s_vm, key));

    [Fact]
    public void GuestCanWriteCustomerKeys()
    {
        Assert.Null(MetadataModel.RefuseWrite(s_vm, "motd"));
        Assert.Null(MetadataModel.RefuseWrite(s_vm, "new-key"));
        Assert.NotNull(MetadataModel.RefuseWrite(s_vm, new string('k', MetadataModel.MaxKeyBytes + 1)));
    }

    [Fact]
    public void ApplySetsAndRemoves()
    {
        Dictionary<string, string> set = MetadataModel.Apply(s_vm.CustomerMetadata, "new", "v");
        Dictionary<string, string> removed = MetadataModel.Apply(set, "motd", null);

        Assert.Equal("v", set["new"]);
        Assert.False(removed.ContainsKey("motd"));
        Assert.True(s_vm.CustomerMetadata!.ContainsKey("motd"));
        Assert.Equal(3 + 1, MetadataModel.Size(new Dictionary<string, string> { ["abc"] = "d" }));
    }
}
