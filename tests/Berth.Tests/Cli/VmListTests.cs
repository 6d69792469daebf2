using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Cli;

namespace Berth.Tests.Cli;

public sealed class VmListTests
{
    private static readonly Manifest s_web = new()
    {
        Uuid = "b0000000-0000-4000-8000-000000000002", Alias = "web", Brand = "lx", State = "running", MaxPhysicalMemory = 512,
        Nics = [new Nic { NicTag = "admin", Ip = "10.88.0.10", Netmask = "255.255.255.0" }],
        Tags = new() { ["role"] = JsonDocument.Parse("\"front\"").RootElement.Clone() },
    };

    private static readonly Manifest s_db = new()
    {
        Uuid = "a0000000-0000-4000-8000-000000000001", Alias = "db:primary", Brand = "lx", State = "stopped", MaxPhysicalMemory = 2048,
    };

    private static readonly Manifest s_tiny = new()
    {
        Uuid = "c0000000-0000-4000-8000-000000000003", Brand = "lx", State = "running", MaxPhysicalMemory = 64,
    };

    private static readonly Manifest[] s_all = [s_web, s_db, s_tiny];

    [Fact]
    public void DefaultColumnsAreVmadms()
    {
        List<string[]> rows = VmList.Rows([s_web], VmList.ParseColumns(null));
        Assert.Equal(["UUID", "TYPE", "RAM", "STATE", "ALIAS"], VmList.ParseColumns(null).Select(VmList.Header));
        Assert.Equal([s_web.Uuid!, "LX", "512", "running", "web"], rows[0]);
    }

    [Fact]
    public void DefaultSortIsRamThenUuid() =>
        Assert.Equal(["c0000000-0000-4000-8000-000000000003", s_web.Uuid, s_db.Uuid],
            VmList.Select(s_all, [], VmList.ParseSort(null)).Select(m => m.Uuid));

    [Fact]
    public void SortsNumbersNumericallyAndDescendingWithAMinus()
    {
        Assert.Equal([s_db.Uuid, s_web.Uuid, s_tiny.Uuid], VmList.Select(s_all, [], VmList.ParseSort("-ram")).Select(m => m.Uuid));
        // An absent alias sorts first; then by alias.
        Assert.Equal([s_tiny.Uuid, s_db.Uuid, s_web.Uuid], VmList.Select(s_all, [], VmList.ParseSort("alias")).Select(m => m.Uuid));
        Assert.Equal([s_tiny.Uuid, s_web.Uuid, s_db.Uuid], VmList.Select(s_all, [], VmList.ParseSort("state,-uuid")).Select(m => m.Uuid));
    }

    [Fact]
    public void ColumnsAreAnyPropertyOrDottedPathWithADashWhenAbsent()
    {
        IReadOnlyList<string> columns = VmList.ParseColumns("alias, nics.0.ip ,tags.role,tags,hostname");
        Assert.Equal(["web", "10.88.0.10", "front", """{"role":"front"}""", "-"], VmList.Rows([s_web], columns)[0]);
        Assert.Equal(["-", "-", "-", "-", "-"], VmList.Rows([s_tiny], columns)[0]);
    }

    [Fact]
    public void FiltersMatchExactlyOrByRegex()
    {
        Assert.Equal([s_web.Uuid], VmList.Select(s_all, VmList.ParseFilters(["alias=web"]), VmList.DefaultSort).Select(m => m.Uuid));
        Assert.Equal([s_tiny.Uuid, s_web.Uuid], VmList.Select(s_all, VmList.ParseFilters(["state=running", "type=LX"]), VmList.DefaultSort).Select(m => m.Uuid));
        Assert.Equal([s_db.Uuid], VmList.Select(s_all, VmList.ParseFilters(["ram=2048"]), VmList.DefaultSort).Select(m => m.Uuid));
        Assert.Equal([s_web.Uuid, s_db.Uuid], VmList.Select(s_all, VmList.ParseFilters(["alias=~^(w|d)"]), VmList.DefaultSort).Select(m => m.Uuid));
        Assert.Equal([s_web.Uuid], VmList.Select(s_all, VmList.ParseFilters(["nics.0.nic_tag=admin"]), VmList.DefaultSort).Select(m => m.Uuid));
        Assert.Empty(VmList.Select(s_all, VmList.ParseFilters(["alias=nope"]), VmList.DefaultSort));
    }

    [Theory]
    [InlineData("alias")]
    [InlineData("=web")]
    [InlineData("alias=~(")]
    public void RefusesMalformedFilters(string filter) => Assert.Throws<UsageException>(() => VmList.ParseFilters([filter]));

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public void RefusesEmptyColumnAndSortLists(string spec)
    {
        Assert.Throws<UsageException>(() => VmList.ParseColumns(spec));
        Assert.Throws<UsageException>(() => VmList.ParseSort(spec));
    }

    [Fact]
    public void PlainTableAlignsColumnsAndLeavesTheLastUnpadded()
    {
        string text = Output.Plain(["UUID", "RAM", "ALIAS"], [["a", "512", "web"], ["bbbbbb", "64", "-"]]);
        Assert.Equal("UUID    RAM  ALIAS\na       512  web\nbbbbbb  64   -\n", text);
        Assert.Equal("a  512  web\n", Output.Plain(["UUID", "RAM", "ALIAS"], [["a", "512", "web"]], header: false));
    }

    [Fact]
    public void ParsableJoinsWithColonsAndEscapesThem() =>
        Assert.Equal("a0:LX:2048:stopped:db\\:primary\nx:\\\\y\n", Output.Parsable([["a0", "LX", "2048", "stopped", "db:primary"], ["x", "\\y"]]));
}
