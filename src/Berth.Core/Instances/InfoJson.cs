using System.Text.Json;
using System.Text.Json.Nodes;

namespace Berth.Core.Instances;

/// <summary>Turns the plain values of an info answer into JSON without reflection.</summary>
internal static class InfoJson
{
    public static JsonElement ToElement(object? value)
    {
        JsonNode? node = value switch
        {
            null => null,
            string s => JsonValue.Create(s),
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            bool b => JsonValue.Create(b),
            string[] a => new JsonArray([.. a.Select(x => (JsonNode?)JsonValue.Create(x))]),
            _ => JsonValue.Create(value.ToString()),
        };
        return JsonSerializer.SerializeToElement(node, Api.Contracts.BerthJson.Default.JsonNode);
    }
}
