using Berth.Api.Contracts;
using Berth.Core;

namespace Berth.Tests.Manifests;

/// <summary>The opt-outs of the default hardening: absent means hardened, and only known capabilities pass.</summary>
public sealed class SecurityOptOutTests
{
    [Fact]
    public void AbsentOptOutsStayAbsent()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG'}");
        Assert.Null(m.Privileged);
        Assert.Null(m.Nesting);
        Assert.Null(m.Fuse);
        Assert.Null(m.ExtraCapabilities);
    }

    [Fact]
    public void CapabilityNamesAreNormalized()
    {
        Manifest m = ManifestJson.Valid("{'brand':'lx','image_uuid':'IMG','privileged':false,'nesting':true,'fuse':true,'extra_capabilities':['sys_ptrace','CAP_SYS_NICE']}");
        Assert.Equal(["CAP_SYS_PTRACE", "CAP_SYS_NICE"], m.ExtraCapabilities);
        Assert.False(m.Privileged);
        Assert.True(m.Nesting);
        Assert.True(m.Fuse);
    }

    [Theory]
    [InlineData("{'brand':'lx','image_uuid':'IMG','extra_capabilities':['CAP_BOGUS']}", "extra_capabilities[0]", "Linux capability name")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','extra_capabilities':'CAP_SYS_ADMIN'}", "extra_capabilities", "is not an array")]
    [InlineData("{'brand':'lx','image_uuid':'IMG','privileged':'yes'}", "privileged", "is not a boolean")]
    public void BadOptOutsAreRefusedByPath(string json, string path, string message)
    {
        BerthException e = ManifestJson.Invalid(json);
        Assert.Contains(e.Errors, error => error.Property == path && error.Message.Contains(message, StringComparison.Ordinal));
    }
}
