using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.Tests.Containers;

public sealed class OciSpecBuilderTests
{
    private const string Uuid = "7b2a1c3e-5d4f-4e6a-9b8c-0d1e2f3a4b5c";

    private static OciSpecInput Input(Manifest manifest, string? resolv = null, IReadOnlyList<OciRlimit>? rlimits = null) =>
        new(manifest, "/var/lib/berth/pools/default/" + Uuid, OciSpecInput.DefaultInit, "/berth/" + Uuid, resolv, Rlimits: rlimits);

    [Fact]
    public void FullManifestMatchesGolden()
    {
        var manifest = new Manifest
        {
            Uuid = Uuid,
            Alias = "web01",
            Brand = "lx",
            MaxPhysicalMemory = 512,
            MaxSwap = 1024,
            CpuCap = 150,
            CpuShares = 200,
            MaxLwps = 2000,
        };
        OciSpecInput input = Input(manifest, "/var/lib/berth/bundles/" + Uuid + "/resolv.conf") with
        {
            MetadataSocketDir = "/run/berth/metadata/" + Uuid,
            MdataToolsDir = "/usr/local/lib/berth/mdata",
        };
        Golden.Verify("oci-full.json", OciSpecBuilder.Build(input));
    }

    [Fact]
    public void MinimalManifestMatchesGolden() =>
        Golden.Verify("oci-minimal.json", OciSpecBuilder.Build(Input(new Manifest { Uuid = Uuid, Brand = "lx" })));

    [Fact]
    public void RlimitsAreWrittenWhenGiven() =>
        Golden.Verify("oci-rlimits.json", OciSpecBuilder.Build(Input(
            new Manifest { Uuid = Uuid, Brand = "lx", Hostname = "db" },
            rlimits: [new OciRlimit("RLIMIT_NOFILE", 1024, 20000)])));

    [Fact]
    public void BuildIsDeterministic()
    {
        var manifest = new Manifest { Uuid = Uuid, MaxPhysicalMemory = 64, CpuCap = 20 };
        Assert.Equal(OciSpecBuilder.Build(Input(manifest)), OciSpecBuilder.Build(Input(manifest)));
    }

    [Theory]
    [InlineData(20, 20_000)]
    [InlineData(100, 100_000)]
    [InlineData(250, 250_000)]
    public void CpuCapIsQuotaPerHundredMilliseconds(long cap, long quota)
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, CpuCap = cap });
        JsonElement cpu = doc.RootElement.GetProperty("linux").GetProperty("resources").GetProperty("cpu");
        Assert.Equal(quota, cpu.GetProperty("quota").GetInt64());
        Assert.Equal(100_000, cpu.GetProperty("period").GetInt64());
    }

    [Fact]
    public void ZeroCapsSetNoLimits()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, CpuCap = 0, MaxLwps = 0, MaxPhysicalMemory = 0 });
        JsonElement resources = doc.RootElement.GetProperty("linux").GetProperty("resources");
        Assert.False(resources.TryGetProperty("cpu", out _));
        Assert.False(resources.TryGetProperty("pids", out _));
        Assert.False(resources.TryGetProperty("memory", out _));
    }

    [Fact]
    public void SwapIsNeverBelowMemory()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, MaxPhysicalMemory = 256, MaxSwap = 128 });
        JsonElement memory = doc.RootElement.GetProperty("linux").GetProperty("resources").GetProperty("memory");
        Assert.Equal(256L << 20, memory.GetProperty("limit").GetInt64());
        Assert.Equal(256L << 20, memory.GetProperty("swap").GetInt64());
    }

    [Theory]
    [InlineData("h1", "a1", "h1")]
    [InlineData(null, "a1", "a1")]
    [InlineData(null, null, Uuid)]
    public void HostnameFallsBackToAliasThenUuid(string? hostname, string? alias, string expected)
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, Hostname = hostname, Alias = alias });
        Assert.Equal(expected, doc.RootElement.GetProperty("hostname").GetString());
    }

    [Fact]
    public void HardeningHoldsWithoutSysAdmin()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid });
        JsonElement process = doc.RootElement.GetProperty("process");
        string[] caps = [.. process.GetProperty("capabilities").GetProperty("bounding").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Contains("CAP_NET_ADMIN", caps);
        Assert.DoesNotContain("CAP_SYS_ADMIN", caps);
        Assert.DoesNotContain("CAP_SYS_MODULE", caps);
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        Assert.False(process.TryGetProperty("rlimits", out _));
        string[] masked = [.. doc.RootElement.GetProperty("linux").GetProperty("maskedPaths").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Contains("/proc/kcore", masked);
        string[] namespaces = [.. doc.RootElement.GetProperty("linux").GetProperty("namespaces").EnumerateArray()
            .Select(e => e.GetProperty("type").GetString()!)];
        Assert.Equal(["pid", "mount", "uts", "ipc", "network", "cgroup"], namespaces);
    }

    [Fact]
    public void ResolvConfIsBoundReadOnly()
    {
        var input = Input(new Manifest { Uuid = Uuid }, "/b/resolv.conf");
        using JsonDocument doc = JsonDocument.Parse(OciSpecBuilder.Build(input));
        JsonElement mount = doc.RootElement.GetProperty("mounts").EnumerateArray()
            .Single(m => m.GetProperty("destination").GetString() == "/etc/resolv.conf");
        Assert.Equal("/b/resolv.conf", mount.GetProperty("source").GetString());
        Assert.Contains("ro", mount.GetProperty("options").EnumerateArray().Select(e => e.GetString()));
    }

    private static JsonDocument Parse(Manifest manifest) => JsonDocument.Parse(OciSpecBuilder.Build(Input(manifest)));
}
