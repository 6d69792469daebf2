using System.Text.Json.Nodes;

namespace Berth.Core.Instances.Containers;

public static partial class OciSpecBuilder
{
    /// <summary>linux.seccomp from <see cref="OciSeccomp"/>: allow the listed calls, refuse the rest.</summary>
    private static JsonObject Seccomp(bool nesting)
    {
        var syscalls = new JsonArray { Rule(OciSeccomp.Allowed, "SCMP_ACT_ALLOW") };
        foreach (ulong persona in OciSeccomp.Personalities)
        {
            // One rule per value: libseccomp ANDs the args of a rule.
            syscalls.Add(new JsonObject
            {
                ["names"] = Strings(["personality"]),
                ["action"] = "SCMP_ACT_ALLOW",
                ["args"] = new JsonArray(Arg(0, persona, 0, "SCMP_CMP_EQ")),
            });
        }

        if (nesting)
        {
            syscalls.Add(Rule([.. OciSeccomp.NestingOnly.Select(n => n.Syscall), "clone", "clone3"], "SCMP_ACT_ALLOW"));
        }
        else
        {
            // clone without namespace flags (threads, fork); with them it falls to the default, and clone3 (whose
            // flags seccomp cannot read) says ENOSYS so that libc falls back to clone.
            syscalls.Add(new JsonObject
            {
                ["names"] = Strings(["clone"]),
                ["action"] = "SCMP_ACT_ALLOW",
                ["args"] = new JsonArray(Arg(0, OciSeccomp.CloneNamespaceFlags, 0, "SCMP_CMP_MASKED_EQ")),
            });
            syscalls.Add(Rule(OciSeccomp.NestingOnly.Select(n => n.Syscall), "SCMP_ACT_ERRNO", OciSeccomp.DeniedErrno));
        }

        syscalls.Add(Rule(OciSeccomp.Denied.Select(d => d.Syscall), "SCMP_ACT_ERRNO", OciSeccomp.DeniedErrno));
        return new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["defaultErrnoRet"] = OciSeccomp.UnknownErrno,
            ["architectures"] = Strings(OciSeccomp.Architectures),
            ["syscalls"] = syscalls,
        };
    }

    private static JsonObject Rule(IEnumerable<string> names, string action, int? errno = null)
    {
        var rule = new JsonObject { ["names"] = Strings(names), ["action"] = action };
        if (errno is int e)
        {
            rule["errnoRet"] = e;
        }

        return rule;
    }

    private static JsonObject Arg(int index, ulong value, ulong valueTwo, string op) => new()
    {
        ["index"] = index,
        ["value"] = value,
        ["valueTwo"] = valueTwo,
        ["op"] = op,
    };
}
