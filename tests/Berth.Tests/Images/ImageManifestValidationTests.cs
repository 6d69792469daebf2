using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Images;

namespace Berth.Tests.Images;

/// <summary>Image manifests are refused as strictly as instance manifests, naming the property.</summary>
public sealed class ImageManifestValidationTests
{
    private static readonly string s_sha = new string('0', 63) + "f";

    private static ImageManifest Good() => new()
    {
        Uuid = "3a1f9c52-2b7d-4e8a-9f00-1c2d3e4f5a6b",
        Name = "tiny",
        Version = "1.0.0",
        Type = "lx-dataset",
        Files = [new ImageFile { Sha256 = s_sha, Size = 10 }],
    };

    [Fact]
    public void AGoodManifestIsNormalizedWithDefaults()
    {
        ImageManifest m = ImageManifestValidation.Normalize(Good());
        Assert.Equal(2, m.V);
        Assert.Equal("linux", m.Os);
        Assert.NotNull(m.PublishedAt);
        Assert.Equal(s_sha, m.Files![0].Sha256);
    }

    [Fact]
    public void AnUppercaseUuidIsLowercasedAsInstanceManifestsDo()
    {
        ImageManifest m = ImageManifestValidation.Normalize(Good() with { Uuid = "3A1F9C52-2B7D-4E8A-9F00-1C2D3E4F5A6B", Files = [new ImageFile { Sha256 = s_sha.ToUpperInvariant() }] });
        Assert.Equal("3a1f9c52-2b7d-4e8a-9f00-1c2d3e4f5a6b", m.Uuid);
        Assert.Equal(s_sha, m.Files![0].Sha256);
    }

    public static TheoryData<string, string, string> Bad() => new()
    {
        { "no-uuid", "uuid", "is not a UUID" },
        { "bad-uuid", "uuid", "\"tiny-1\" is not a UUID" },
        { "no-name", "name", "is required" },
        { "blank-name", "name", "is required" },
        { "no-version", "version", "is required" },
        { "no-type", "type", "is not supported" },
        { "zvol", "type", "\"zvol\" is not supported yet (lx-dataset)" },
        { "docker", "type", "\"docker\" is not supported" },
        { "no-files", "files", "exactly one file" },
        { "zero-files", "files", "exactly one file" },
        { "two-files", "files", "exactly one file" },
        { "null-file", "files[0]", "is not an object" },
        { "no-sha", "files[0].sha256", "is not a sha256" },
        { "short-sha", "files[0].sha256", "is not a sha256" },
        { "not-hex-sha", "files[0].sha256", "is not a sha256" },
        { "negative-size", "files[0].size", "-1" },
        { "bad-signal", "berth_stop_signal", "\"SIGFOO\" is not a signal name" },
        { "number-signal", "berth_stop_signal", "\"15\" is not a signal name" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void ABadManifestIsRefusedNamingTheProperty(string @case, string property, string message)
    {
        ImageManifest m = Good();
        m = @case switch
        {
            "no-uuid" => m with { Uuid = null },
            "bad-uuid" => m with { Uuid = "tiny-1" },
            "no-name" => m with { Name = null },
            "blank-name" => m with { Name = "  " },
            "no-version" => m with { Version = null },
            "no-type" => m with { Type = null },
            "zvol" => m with { Type = "zvol" },
            "docker" => m with { Type = "docker" },
            "no-files" => m with { Files = null },
            "zero-files" => m with { Files = [] },
            "two-files" => m with { Files = [new ImageFile { Sha256 = s_sha }, new ImageFile { Sha256 = s_sha }] },
            "null-file" => m with { Files = [null!] },
            "no-sha" => m with { Files = [new ImageFile { Size = 10 }] },
            "short-sha" => m with { Files = [new ImageFile { Sha256 = "abc123" }] },
            "not-hex-sha" => m with { Files = [new ImageFile { Sha256 = new string('g', 64) }] },
            "negative-size" => m with { Files = [new ImageFile { Sha256 = s_sha, Size = -1 }] },
            "bad-signal" => m with { BerthStopSignal = "SIGFOO" },
            "number-signal" => m with { BerthStopSignal = "15" },
            _ => throw new ArgumentException(@case),
        };

        BerthException e = Assert.Throws<BerthException>(() => ImageManifestValidation.Normalize(m));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        PropertyError error = Assert.Single(e.Errors);
        Assert.Equal(property, error.Property);
        Assert.Contains(message, error.Message);
        Assert.StartsWith(property + ": ", e.Message);
    }

    [Fact]
    public void EveryProblemIsNamedAtOnce()
    {
        var m = new ImageManifest { Type = "zvol", Files = [], BerthStopSignal = "SIGNOPE" };
        BerthException e = Assert.Throws<BerthException>(() => ImageManifestValidation.Normalize(m));
        Assert.Equal(["uuid", "name", "version", "type", "files", "berth_stop_signal"], e.Errors.Select(x => x.Property));
    }

    [Fact]
    public void KnownStopSignalsAreAccepted()
    {
        foreach (string sig in new[] { "SIGTERM", "SIGUSR2", "SIGRTMIN+3" })
        {
            Assert.Equal(sig, ImageManifestValidation.Normalize(Good() with { BerthStopSignal = sig }).BerthStopSignal);
        }
    }
}
