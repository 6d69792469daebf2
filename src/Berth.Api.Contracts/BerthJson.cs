using System.Text.Json;
using System.Text.Json.Serialization;

namespace Berth.Api.Contracts;

/// <summary>Source-generated JSON for every wire type: snake_case, nulls omitted, unknown fields rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(List<Manifest>))]
[JsonSerializable(typeof(Nic))]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(List<ImageManifest>))]
[JsonSerializable(typeof(Pool))]
[JsonSerializable(typeof(List<Pool>))]
[JsonSerializable(typeof(PoolCreateRequest))]
[JsonSerializable(typeof(Network))]
[JsonSerializable(typeof(List<Network>))]
[JsonSerializable(typeof(Sysinfo))]
[JsonSerializable(typeof(ExecRequest))]
[JsonSerializable(typeof(ExecResult))]
[JsonSerializable(typeof(StopRequest))]
[JsonSerializable(typeof(ImageInstallRequest))]
[JsonSerializable(typeof(ImageBuildRequest))]
[JsonSerializable(typeof(ValidateResult))]
[JsonSerializable(typeof(UpdateResult))]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(List<Snapshot>))]
[JsonSerializable(typeof(SnapshotCreateRequest))]
[JsonSerializable(typeof(RollbackResult))]
[JsonSerializable(typeof(InstanceStats))]
[JsonSerializable(typeof(List<InstanceStats>))]
[JsonSerializable(typeof(List<InstanceProcess>))]
[JsonSerializable(typeof(FirewallRule))]
[JsonSerializable(typeof(List<FirewallRule>))]
[JsonSerializable(typeof(FirewallRuleRequest))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(InstanceEvent))]
[JsonSerializable(typeof(List<InstanceEvent>))]
[JsonSerializable(typeof(ServiceStatus))]
[JsonSerializable(typeof(List<ServiceStatus>))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
public sealed partial class BerthJson : JsonSerializerContext;
