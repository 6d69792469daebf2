using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Core.Instances.Containers;

/// <summary>Builds an instance's OCI config.json from its manifest: a pure function, golden-tested.</summary>
public static partial class OciSpecBuilder
{
    /// <summary>The CFS period cpu_cap is expressed against (see <see cref="ResourceLimits"/>).</summary>
    public const long CpuPeriodMicros = ResourceLimits.CpuPeriodMicros;

    public static string Build(OciSpecInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var root = new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = Process(input),
            ["root"] = new JsonObject { ["path"] = input.RootfsPath, ["readonly"] = false },
            ["hostname"] = input.Hostname,
            ["mounts"] = Mounts(input),
            ["annotations"] = new JsonObject { ["org.berth.uuid"] = input.Manifest.Uuid },
            ["linux"] = Linux(input),
        };

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static JsonObject Process(OciSpecInput input)
    {
        JsonArray caps = Strings(Capabilities(input.Manifest, input.HostCapabilities));
        var process = new JsonObject
        {
            ["terminal"] = input.Terminal,
            ["user"] = new JsonObject { ["uid"] = 0, ["gid"] = 0 },
            ["args"] = Strings(input.InitArgv),
            ["env"] = Strings(
            [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm",
                "container=berth", // systemd and friends detect a container from pid 1's environment
            ]),
            ["cwd"] = "/",
            ["capabilities"] = new JsonObject
            {
                ["bounding"] = caps.DeepClone(),
                ["effective"] = caps.DeepClone(),
                ["permitted"] = caps,
            },
            ["noNewPrivileges"] = !IsPrivileged(input.Manifest),
        };
        if (input.Rlimits is { Count: > 0 } rlimits)
        {
            process["rlimits"] = new JsonArray([.. rlimits.Select(r => (JsonNode)new JsonObject
            {
                ["type"] = r.Type,
                ["hard"] = r.Hard,
                ["soft"] = r.Soft,
            })]);
        }

        return process;
    }

    private static JsonArray Mounts(OciSpecInput input)
    {
        var mounts = new JsonArray
        {
            Mount("/proc", "proc", "proc", "nosuid", "noexec", "nodev"),
            Mount("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k"),
            Mount("/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
            Mount("/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"),
            Mount("/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev"),
            Mount("/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro"),
            // Through the cgroup namespace the instance sees its own cgroup as the root, read-only: its limits, not the host's.
            Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"),
            // Init runs without CAP_SYS_ADMIN and cannot mount /run itself; systemd-style images expect a tmpfs there.
            Mount("/run", "tmpfs", "tmpfs", "nosuid", "nodev", "mode=755", "size=65536k"),
        };
        if (input.ResolvConfPath is { } resolv)
        {
            mounts.Add(Mount("/etc/resolv.conf", "bind", resolv, "rbind", "ro", "nosuid", "nodev", "noexec"));
        }

        if (input.MetadataSocketDir is { } socketDir)
        {
            // The directory rather than the socket: a restarted berthd binds a new socket there and the instance sees it.
            mounts.Add(Mount(Metadata.MetadataServer.GuestDir, "bind", socketDir, "rbind", "ro", "nosuid", "nodev", "noexec"));
        }

        if (input.MdataToolsDir is { } tools)
        {
            mounts.Add(Mount(Metadata.MdataTools.GuestDir, "bind", tools, "rbind", "ro", "nosuid", "nodev"));
            foreach (string tool in Metadata.MdataTools.Names)
            {
                mounts.Add(Mount($"{Metadata.MdataTools.PathDir}/{tool}", "bind", Path.Combine(tools, tool), "rbind", "ro", "nosuid", "nodev"));
            }
        }

        return mounts;
    }

    private static JsonObject Linux(OciSpecInput input)
    {
        bool privileged = IsPrivileged(input.Manifest);
        var linux = new JsonObject
        {
            ["cgroupsPath"] = input.CgroupsPath,
            ["resources"] = Resources(input.Manifest),
            ["namespaces"] = Namespaces(input),
        };
        if (input.UserNamespace is { } ids)
        {
            // One range for uids and gids: root inside is ids.HostId outside, an unprivileged ID no host user has.
            linux["uidMappings"] = IdMappings(ids);
            linux["gidMappings"] = IdMappings(ids);
        }

        if (input.Manifest.Fuse == true)
        {
            linux["devices"] = new JsonArray
            {
                new JsonObject { ["path"] = "/dev/fuse", ["type"] = "c", ["major"] = 10, ["minor"] = 229, ["fileMode"] = 438, ["uid"] = 0, ["gid"] = 0 },
            };
        }

        if (!privileged)
        {
            linux["seccomp"] = Seccomp(input.Manifest.Nesting == true);
            linux["maskedPaths"] = Strings(OciHardening.MaskedPaths);
            linux["readonlyPaths"] = Strings(OciHardening.ReadonlyPaths);
        }

        return linux;
    }

    private static JsonArray Namespaces(OciSpecInput input)
    {
        IEnumerable<string> types = ["pid", "mount", "uts", "ipc", "network", "cgroup"];
        if (input.UserNamespace is not null)
        {
            types = types.Prepend("user");
        }

        return new JsonArray([.. types.Select(n => (JsonNode)new JsonObject { ["type"] = n })]);
    }

    private static JsonArray IdMappings(IdRange ids) =>
        [new JsonObject { ["containerID"] = 0, ["hostID"] = ids.HostId, ["size"] = ids.Size }];

    private static bool IsPrivileged(Api.Contracts.Manifest m) => m.Privileged == true;

    /// <summary>The capability set of root inside: all of them when privileged, else the default set plus extra_capabilities.</summary>
    public static IReadOnlyList<string> Capabilities(Api.Contracts.Manifest m, IReadOnlyList<string>? host = null) =>
        IsPrivileged(m) ? host ?? LinuxCapabilities.ByBit
        : [.. OciHardening.Capabilities.Select(c => c.Capability).Union(m.ExtraCapabilities ?? [], StringComparer.Ordinal)];

    private static JsonObject Resources(Api.Contracts.Manifest m)
    {
        JsonObject resources = Limits(m);
        resources.Insert(0, "devices", Devices(m));
        return resources;
    }

    private static JsonArray Devices(Api.Contracts.Manifest m)
    {
        if (IsPrivileged(m))
        {
            return [new JsonObject { ["allow"] = true, ["access"] = "rwm" }];
        }

        var devices = new JsonArray { new JsonObject { ["allow"] = false, ["access"] = "rwm" } };
        IEnumerable<(string, long, long)> allowed = OciHardening.AllowedDevices;
        if (m.Fuse == true)
        {
            allowed = allowed.Append(OciHardening.FuseDevice);
        }

        foreach ((_, long major, long minor) in allowed)
        {
            var rule = new JsonObject { ["allow"] = true, ["type"] = "c", ["major"] = major };
            if (minor >= 0)
            {
                rule["minor"] = minor; // absent means every minor (the OCI wildcard)
            }

            rule["access"] = "rwm";
            devices.Add(rule);
        }

        return devices;
    }

    /// <summary>The limits of linux.resources that a manifest sets (from <see cref="ResourceLimits"/>, as a live update writes them).</summary>
    public static JsonObject Limits(Api.Contracts.Manifest m)
    {
        Host.Cgroups.CgroupLimits limits = ResourceLimits.Of(m);
        var resources = new JsonObject();
        var memory = new JsonObject();
        if (limits.MemoryBytes is { } mem)
        {
            memory["limit"] = mem;
        }

        if (limits.MemorySwapBytes is { } swap)
        {
            memory["swap"] = swap;
        }

        if (memory.Count > 0)
        {
            resources["memory"] = memory;
        }

        var cpu = new JsonObject();
        if (limits.CpuShares is { } shares)
        {
            cpu["shares"] = shares;
        }

        if (limits.CpuQuotaMicros is { } quota)
        {
            cpu["quota"] = quota;
            cpu["period"] = limits.CpuPeriodMicros;
        }

        if (cpu.Count > 0)
        {
            resources["cpu"] = cpu;
        }

        if (limits.PidsMax is { } pids)
        {
            resources["pids"] = new JsonObject { ["limit"] = pids };
        }

        return resources;
    }

    private static JsonObject Mount(string destination, string type, string source, params string[] options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(options),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
