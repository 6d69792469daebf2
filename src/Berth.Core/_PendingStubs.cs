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

namespace Berth.Core.Host.Cgroups
{
    public enum CgroupMode { V1, V2, Hybrid }
    public static class CgroupHost
    {
        public static CgroupMode Detect() => throw new NotImplementedException();
        public static IReadOnlyList<string> FixHybridForCrun() => throw new NotImplementedException();
    }
}
