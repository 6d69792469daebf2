using System.Text.Json.Serialization;
using Berth.Core.Storage;

namespace Berth.Core.Store;

/// <summary>JSON of records the store keeps that are not wire types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PoolSpec))]
[JsonSerializable(typeof(IntentDetail))]
internal sealed partial class StoreJson : JsonSerializerContext;
