using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Instances;

/// <summary>vmadm list's field=value filters: a top-level property compared as text, tags as tags.KEY.</summary>
internal static class ManifestFilter
{
    public static bool Matches(Manifest manifest, IReadOnlyDictionary<string, string> filters)
    {
        JsonElement json = JsonSerializer.SerializeToElement(manifest, BerthJson.Default.Manifest);
        foreach ((string key, string want) in filters)
        {
            JsonElement node = json;
            foreach (string part in key.Split('.'))
            {
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node))
                {
                    return false;
                }
            }

            string have = node.ValueKind == JsonValueKind.String ? node.GetString()! : node.GetRawText();
            if (!string.Equals(have, want, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
