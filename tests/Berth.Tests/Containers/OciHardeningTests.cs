using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Instances.Containers;

namespace Berth.Tests.Containers;

public sealed class OciHardeningTests
{
    private const string Uuid = "7b2a1c3e-5d4f-4e6a-9b8c-0d1e2f3a4b5c";

    private static OciSpecInput Input(Manifest manifest, IdRange? ids) =>
        new(manifest, "/run/berth/rootfs/" + Uuid, OciSpecInput.DefaultInit, "/berth/" + Uuid, UserNamespace: ids);

    private static JsonDocument Parse(Manifest manifest, IdRange? ids = null) =>
        JsonDocument.Parse(OciSpecBuilder.Build(Input(manifest, ids)));

    [Fact]
    public void HardenedDefaultMatchesGolden() =>
        Golden.Verify("oci-hardened.json", OciSpecBuilder.Build(Input(new Manifest { Uuid = Uuid, Brand = "lx" }, IdRange.OfSlot(3))));

    [Fact]
    public void UserNamespaceMapsRootToTheSlotsRange()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid }, IdRange.OfSlot(2));
        JsonElement linux = doc.RootElement.GetProperty("linux");
        Assert.Contains(linux.GetProperty("namespaces").EnumerateArray(), n => n.GetProperty("type").GetString() == "user");
        foreach (string map in new[] { "uidMappings", "gidMappings" })
        {
            JsonElement only = Assert.Single(linux.GetProperty(map).EnumerateArray());
            Assert.Equal(0, only.GetProperty("containerID").GetInt64());
            Assert.Equal(1_000_000_000 + (2 * 65536), only.GetProperty("hostID").GetInt64());
            Assert.Equal(65536, only.GetProperty("size").GetInt64());
        }
    }

    [Fact]
    public void SlotsNeverOverlapAndStayBelowTheInvalidId()
    {
        Assert.Equal(IdRange.OfSlot(0).HostId + IdRange.SlotSize, IdRange.OfSlot(1).HostId);
        IdRange last = IdRange.OfSlot(IdRange.MaxSlots - 1);
        Assert.True(last.HostId + last.Size - 1 < uint.MaxValue);
        Assert.Throws<ArgumentOutOfRangeException>(() => IdRange.OfSlot(IdRange.MaxSlots));
    }

    [Fact]
    public void SeccompRefusesTheDangerousCallsByName()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid }, IdRange.OfSlot(0));
        JsonElement seccomp = doc.RootElement.GetProperty("linux").GetProperty("seccomp");
        Assert.Equal("SCMP_ACT_ERRNO", seccomp.GetProperty("defaultAction").GetString());
        HashSet<string> allowed = Names(seccomp, "SCMP_ACT_ALLOW");
        HashSet<string> denied = Names(seccomp, "SCMP_ACT_ERRNO");
        string[] mustDeny =
        [
            "keyctl", "add_key", "request_key", "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
            "open_by_handle_at", "bpf", "perf_event_open", "userfaultfd", "unshare", "setns", "mount", "fsopen", "io_uring_setup",
        ];
        foreach (string call in mustDeny)
        {
            Assert.DoesNotContain(call, allowed);
            Assert.Contains(call, denied);
        }

        Assert.DoesNotContain("clone3", allowed); // ENOSYS by default: libc falls back to clone, whose flags are checked
        JsonElement clone = seccomp.GetProperty("syscalls").EnumerateArray()
            .Single(r => r.GetProperty("names").EnumerateArray().Any(n => n.GetString() == "clone"));
        JsonElement arg = Assert.Single(clone.GetProperty("args").EnumerateArray());
        Assert.Equal("SCMP_CMP_MASKED_EQ", arg.GetProperty("op").GetString());
        Assert.Equal(0x7E020000UL, arg.GetProperty("value").GetUInt64());
    }

    [Fact]
    public void AllowedAndDeniedListsDoNotOverlap()
    {
        var allowed = new HashSet<string>(OciSeccomp.Allowed);
        Assert.Equal(OciSeccomp.Allowed.Count, allowed.Count);
        Assert.DoesNotContain(OciSeccomp.Denied, d => allowed.Contains(d.Syscall));
        Assert.DoesNotContain(OciSeccomp.NestingOnly, d => allowed.Contains(d.Syscall));
    }

    [Fact]
    public void NestingAllowsNamespacesButNotTheKernelEscapes()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, Nesting = true }, IdRange.OfSlot(0));
        JsonElement seccomp = doc.RootElement.GetProperty("linux").GetProperty("seccomp");
        HashSet<string> allowed = Names(seccomp, "SCMP_ACT_ALLOW");
        Assert.Contains("unshare", allowed);
        Assert.Contains("mount", allowed);
        Assert.Contains("clone3", allowed);
        Assert.DoesNotContain("keyctl", allowed);
        Assert.DoesNotContain("init_module", allowed);
    }

    [Fact]
    public void PrivilegedDropsEveryProtectionAndIsNamedSo()
    {
        using JsonDocument doc = Parse(new Manifest { Uuid = Uuid, Privileged = true }, ids: null);
        JsonElement root = doc.RootElement;
        JsonElement linux = root.GetProperty("linux");
        Assert.False(linux.TryGetProperty("seccomp", out _));
        Assert.False(linux.TryGetProperty("maskedPaths", out _));
        Assert.False(linux.TryGetProperty("uidMappings", out _));
        Assert.False(root.GetProperty("process").GetProperty("noNewPrivileges").GetBoolean());
        Assert.Equal(LinuxCapabilities.All.Count, root.GetProperty("process").GetProperty("capabilities").GetProperty("bounding").GetArrayLength());
        JsonElement device = Assert.Single(linux.GetProperty("resources").GetProperty("devices").EnumerateArray());
        Assert.True(device.GetProperty("allow").GetBoolean());
    }

    [Fact]
    public void FuseOnlyWhenAsked()
    {
        using JsonDocument plain = Parse(new Manifest { Uuid = Uuid }, IdRange.OfSlot(0));
        Assert.False(plain.RootElement.GetProperty("linux").TryGetProperty("devices", out _));
        Assert.DoesNotContain(plain.RootElement.GetProperty("linux").GetProperty("resources").GetProperty("devices").EnumerateArray(),
            d => d.TryGetProperty("major", out JsonElement major) && major.GetInt64() == 10);

        using JsonDocument fuse = Parse(new Manifest { Uuid = Uuid, Fuse = true }, IdRange.OfSlot(0));
        JsonElement node = Assert.Single(fuse.RootElement.GetProperty("linux").GetProperty("devices").EnumerateArray());
        Assert.Equal("/dev/fuse", node.GetProperty("path").GetString());
        Assert.Contains(fuse.RootElement.GetProperty("linux").GetProperty("resources").GetProperty("devices").EnumerateArray(),
            d => d.TryGetProperty("major", out JsonElement major) && major.GetInt64() == 10 && d.GetProperty("minor").GetInt64() == 229);
    }

    [Fact]
    public void ExtraCapabilitiesAreAddedOnce()
    {
        IReadOnlyList<string> caps = OciSpecBuilder.Capabilities(new Manifest { ExtraCapabilities = ["CAP_SYS_PTRACE", "CAP_CHOWN"] });
        Assert.Contains("CAP_SYS_PTRACE", caps);
        Assert.Single(caps, c => c == "CAP_CHOWN");
        Assert.DoesNotContain("CAP_SYS_ADMIN", OciSpecBuilder.Capabilities(new Manifest()));
    }

    private static HashSet<string> Names(JsonElement seccomp, string action) =>
        [.. seccomp.GetProperty("syscalls").EnumerateArray()
            .Where(r => r.GetProperty("action").GetString() == action && !r.TryGetProperty("args", out _))
            .SelectMany(r => r.GetProperty("names").EnumerateArray().Select(n => n.GetString()!))];
}
