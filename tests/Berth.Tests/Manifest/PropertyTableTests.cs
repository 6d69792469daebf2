using System.Reflection;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Manifests;

namespace Berth.Tests.Manifests;

public sealed class PropertyTableTests
{
    private static IEnumerable<string> WireNames(Type type, string prefix) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => prefix + JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));

    [Fact]
    public void EveryWirePropertyHasExactlyOneRow()
    {
        string[] wire = [.. WireNames(typeof(Manifest), ""), .. WireNames(typeof(Nic), "nics[]."), .. WireNames(typeof(Disk), "disks[].")];

        Assert.Equal(wire.Order(), PropertyTable.All.Select(p => p.Path).Order());
    }

    [Fact]
    public void RowsAreConsistent()
    {
        foreach (PropertyDef def in PropertyTable.All)
        {
            Assert.False(def.ReadOnly && def.Update != UpdateMode.No, $"{def.Path}: read-only but updatable");
            Assert.False(def.ReadOnly && def.Required, $"{def.Path}: read-only but required");
            Assert.False(string.IsNullOrWhiteSpace(def.Mechanism), $"{def.Path}: no mechanism");
            Assert.False(string.IsNullOrWhiteSpace(def.Description), $"{def.Path}: no description");
            Assert.NotEmpty(def.Brands);
            Assert.All(def.Brands, b => Assert.Contains(b, PropertyTable.Get("brand").Choices!));
            Assert.True(def.Default is null || def.DefaultNote is null, $"{def.Path}: two defaults");
            Assert.True(def.Type != PropertyType.Integer || def.Default is null or long, $"{def.Path}: integer default is not a long");
        }
    }

    [Fact]
    public void TableCarriesVmadmDefaults()
    {
        Assert.Equal(256L, PropertyTable.Get("max_physical_memory").Default);
        Assert.Equal(10L, PropertyTable.Get("quota").Default);
        Assert.Equal(PropertyUnit.GiB, PropertyTable.Get("quota").Unit);
        Assert.Equal(UpdateMode.Live, PropertyTable.Get("cpu_cap").Update);
        Assert.Equal("admin", PropertyTable.Get("nics[].nic_tag").Default);
        Assert.True(PropertyTable.Get("brand").Required);
    }
}
