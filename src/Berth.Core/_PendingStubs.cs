// Temporary: the APIs other branches are writing; removed when they merge.
#pragma warning disable CS1998
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Instances.Containers
{
    public sealed partial class ContainerDriver
    {
        public Task<int> CreateAsync(ContainerSpec spec, CancellationToken ct = default) => throw new NotImplementedException();
        public Task StartAsync(string uuid) => throw new NotImplementedException();
        public Task KillAsync(string uuid, string signal) => throw new NotImplementedException();
        public Task DeleteAsync(string uuid) => throw new NotImplementedException();
        public Task<ContainerStatus?> GetStatusAsync(string uuid) => throw new NotImplementedException();
        public int? ReadExitStatus(string uuid) => throw new NotImplementedException();
        public int? MonitorPid(string uuid) => throw new NotImplementedException();
        public string AttachSocketPath(string uuid) => throw new NotImplementedException();
        public Task<ExecResult> ExecAsync(string uuid, IReadOnlyList<string> argv, string? stdin, CancellationToken ct) => throw new NotImplementedException();
        public Task<IReadOnlyList<string>> ListAsync() => throw new NotImplementedException();
        public Task UpdateResourcesAsync(Manifest manifest, CancellationToken ct) => throw new NotImplementedException();
    }
}

namespace Berth.Core.Images
{
    public static class BusyboxRootfs
    {
        public static Task BuildAsync(string dir, CancellationToken ct = default) => throw new NotImplementedException();
    }
}

namespace Berth.Core.Manifests
{
    public static class ManifestValidator
    {
        public static Manifest Validate(JsonElement body) => throw new NotImplementedException();
        public static (Manifest, IReadOnlyList<string>, IReadOnlyList<string>) ValidateUpdate(Manifest current, JsonElement patch) => throw new NotImplementedException();
    }
}

namespace Berth.Core.Instances
{
    public enum InstanceState { Provisioning, Stopped, Running, Stopping, Failed, Maintenance, Deleted }
    public enum LifecycleVerb { Create, Start, Stop, Reboot, Update, Delete, Exec, Console }
    public static class InstanceStates
    {
        public static string ToWire(this InstanceState s) => s.ToString().ToLowerInvariant();
        public static InstanceState FromWire(string? s) => Enum.Parse<InstanceState>(s ?? "provisioning", true);
    }
    public static class Lifecycle
    {
        public static void Check(LifecycleVerb verb, InstanceState state, string name) => throw new NotImplementedException();
    }
}

namespace Berth.Core.Host.Cgroups
{
    public enum CgroupMode { V1, V2, Hybrid }
    public static class CgroupHost
    {
        public static CgroupMode Detect() => throw new NotImplementedException();
        public static IReadOnlyList<string> FixHybridForCrun() => throw new NotImplementedException();
    }
}
