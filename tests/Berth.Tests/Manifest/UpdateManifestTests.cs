using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Manifests;

namespace Berth.Tests.Manifests;

public sealed class UpdateManifestTests
{
    private static readonly DateTimeOffset s_created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static Manifest Current() =>
        ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','alias':'web01','max_physical_memory':512,'resolvers':['1.1.1.1'],'nics':[{'ips':['10.0.0.5/24']}]}")
        with
        {
            State = "running",
            Pid = 4242,
            CreateTimestamp = s_created,
            LastModified = s_created,
        };

    private static ManifestUpdate Update(Manifest current, string patch) =>
        ManifestValidator.ValidateUpdate(current, ManifestJson.Parse(patch));

    [Fact]
    public void LiveChangeNeedsNoRestart()
    {
        Manifest current = Current();

        (Manifest updated, IReadOnlyList<string> changed, IReadOnlyList<string> needRestart) = Update(current, "{'cpu_cap':50,'tags':{'role':'web'}}");

        Assert.Equal(50, updated.CpuCap);
        Assert.Equal(["cpu_cap", "tags"], changed);
        Assert.Empty(needRestart);
    }

    [Fact]
    public void RestartChangesAreNamed()
    {
        ManifestUpdate result = Update(Current(), "{'hostname':'www','resolvers':['9.9.9.9'],'max_lwps':500}");

        Assert.Equal(["hostname", "max_lwps", "resolvers"], result.ChangedProperties);
        Assert.Equal(["hostname", "resolvers"], result.NeedRestart);
    }

    [Fact]
    public void SameValuesChangeNothing()
    {
        ManifestUpdate result = Update(Current(), "{'alias':'web01','max_physical_memory':512}");

        Assert.Empty(result.ChangedProperties);
        Assert.Equal(Current().MaxSwap, result.Updated.MaxSwap);
    }

    [Fact]
    public void WhatBerthSetIsKept()
    {
        Manifest current = Current();

        Manifest updated = Update(current, "{'cpu_shares':200}").Updated;

        Assert.Equal(current.Uuid, updated.Uuid);
        Assert.Equal("running", updated.State);
        Assert.Equal(4242, updated.Pid);
        Assert.Equal(s_created, updated.CreateTimestamp);
        Assert.Same(current.Nics, updated.Nics);
        Assert.Equal("web01", updated.Hostname);
    }

    [Fact]
    public void RaisingMemoryAboveSwapRaisesSwap()
    {
        ManifestUpdate result = Update(Current(), "{'max_physical_memory':2048}");

        Assert.Equal(2048, result.Updated.MaxSwap);
        Assert.Equal(["max_physical_memory", "max_swap"], result.ChangedProperties);
    }

    [Fact]
    public void SwapGivenBelowMemoryIsRefused()
    {
        BerthException e = Assert.Throws<BerthException>(() => Update(Current(), "{'max_physical_memory':2048,'max_swap':1024}"));

        Assert.Equal("max_swap", Assert.Single(e.Errors).Property);
    }

    [Fact]
    public void NullRemovesOrResets()
    {
        Manifest updated = Update(Current(), "{'alias':null,'max_physical_memory':null}").Updated;

        Assert.Null(updated.Alias);
        Assert.Equal(256, updated.MaxPhysicalMemory);
    }

    [Theory]
    [InlineData("{'brand':'lx'}", "brand", "cannot be changed by update")]
    [InlineData("{'uuid':'a1b2c3d4-0000-4000-8000-00000000000a'}", "uuid", "cannot be changed by update")]
    [InlineData("{'image_uuid':'IMG'}", "image_uuid", "cannot be changed by update")]
    [InlineData("{'zpool':'other'}", "zpool", "cannot be changed by update")]
    [InlineData("{'nics':[]}", "nics", "cannot be changed by update")]
    [InlineData("{'state':'stopped'}", "state", "is read-only")]
    [InlineData("{'last_modified':'2025-01-01T00:00:00Z'}", "last_modified", "is read-only")]
    [InlineData("{'cpu_cpa':5}", "cpu_cpa", "did you mean cpu_cap?")]
    [InlineData("{'cpu_cap':'5%'}", "cpu_cap", "is not an integer (percent of one CPU)")]
    [InlineData("{'alias':'no_underscores'}", "alias", "is not a valid hostname label")]
    [InlineData("{'quota':-3}", "quota", "below the minimum")]
    [InlineData("{'tags':{'x':[]}}", "tags.x", "is not a string, number or boolean")]
    [InlineData("[]", "manifest", "is not a JSON object")]
    public void BadUpdateIsRefusedAtItsPath(string patch, string path, string fragment)
    {
        BerthException e = Assert.Throws<BerthException>(() => Update(Current(), patch));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(e.Errors, error => error.Property == path && error.Message.Contains(fragment, StringComparison.Ordinal));
    }
}
