using System.Globalization;
using System.Text;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Metadata;

/// <summary>
/// What a guest sees of its own manifest, as SmartOS serves it: customer_metadata read-write, internal_metadata
/// read-only (it wins over a customer key of the same name), and read-only facts under "sdc:" (also "berth:").
/// Pure: the manifest in, the answer out.
/// </summary>
public static class MetadataModel
{
    public const string SdcPrefix = "sdc:";
    public const string BerthPrefix = "berth:";

    /// <summary>The longest key a guest may write, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 256;

    /// <summary>The facts under the prefixes, besides "tags.&lt;name&gt;" for one tag.</summary>
    public static IReadOnlyList<string> Facts { get; } =
    [
        "uuid", "zonename", "alias", "hostname", "brand", "image_uuid", "nics", "resolvers", "routes", "tags",
        "max_physical_memory", "max_swap", "cpu_cap", "cpu_shares", "max_lwps", "quota", "create_timestamp",
    ];

    /// <summary>GET: a fact, an internal_metadata key, or a customer_metadata key, in that order.</summary>
    public static MdataReply Get(Manifest manifest, string key)
    {
        if (FactName(key) is { } fact)
        {
            return Fact(manifest, fact) is { } factValue ? MdataReply.Ok(factValue) : MdataReply.NotFound;
        }

        if (manifest.InternalMetadata?.TryGetValue(key, out string? internalValue) == true)
        {
            return MdataReply.Ok(internalValue);
        }

        return manifest.CustomerMetadata?.TryGetValue(key, out string? value) == true ? MdataReply.Ok(value) : MdataReply.NotFound;
    }

    /// <summary>KEYS: customer keys, then internal ones not already listed; facts are not listed (as on SmartOS).</summary>
    public static MdataReply Keys(Manifest manifest)
    {
        IEnumerable<string> keys = (manifest.CustomerMetadata?.Keys ?? Enumerable.Empty<string>())
            .Concat(manifest.InternalMetadata?.Keys ?? Enumerable.Empty<string>())
            .Distinct(StringComparer.Ordinal);
        return MdataReply.Ok(string.Join('\n', keys));
    }

    /// <summary>Why the guest may not set or delete this key, or null when it may.</summary>
    public static string? RefuseWrite(Manifest manifest, string key)
    {
        if (FactName(key) is not null || key.StartsWith(SdcPrefix, StringComparison.Ordinal) || key.StartsWith(BerthPrefix, StringComparison.Ordinal))
        {
            return $"Cannot update the \"{key[..(key.IndexOf(':') + 1)]}\" namespace: its keys are read-only facts";
        }

        if (manifest.InternalMetadata?.ContainsKey(key) == true)
        {
            return $"\"{key}\" is internal_metadata: read-only for the instance";
        }

        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes || key.Any(char.IsControl))
        {
            return $"a key is at most {MaxKeyBytes} bytes without control characters";
        }

        return null;
    }

    /// <summary>customer_metadata after a PUT (value) or DELETE (null).</summary>
    public static Dictionary<string, string> Apply(IReadOnlyDictionary<string, string>? customer, string key, string? value)
    {
        var updated = new Dictionary<string, string>(customer ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (value is null)
        {
            updated.Remove(key);
        }
        else
        {
            updated[key] = value;
        }

        return updated;
    }

    /// <summary>Bytes of keys and values, the measure of the guest's write limit.</summary>
    public static long Size(IReadOnlyDictionary<string, string>? map) =>
        map?.Sum(kv => (long)Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value)) ?? 0;

    private static string? FactName(string key) =>
        key.StartsWith(SdcPrefix, StringComparison.Ordinal) ? key[SdcPrefix.Length..]
        : key.StartsWith(BerthPrefix, StringComparison.Ordinal) ? key[BerthPrefix.Length..]
        : null;

    private static string? Fact(Manifest m, string name)
    {
        if (name.StartsWith("tags.", StringComparison.Ordinal))
        {
            return m.Tags?.TryGetValue(name["tags.".Length..], out JsonElement tag) == true
                ? tag.ValueKind == JsonValueKind.String ? tag.GetString() : tag.GetRawText()
                : null;
        }

        return name switch
        {
            "uuid" or "zonename" => m.Uuid,
            "alias" => m.Alias,
            "hostname" => !string.IsNullOrEmpty(m.Hostname) ? m.Hostname : !string.IsNullOrEmpty(m.Alias) ? m.Alias : m.Uuid,
            "brand" => m.Brand,
            "image_uuid" => m.ImageUuid,
            "nics" or "resolvers" or "tags" => ManifestProperty(m, name) ?? (name == "tags" ? "{}" : "[]"),
            "routes" => Routes(m),
            "max_physical_memory" => Number(m.MaxPhysicalMemory),
            "max_swap" => Number(m.MaxSwap),
            "cpu_cap" => Number(m.CpuCap),
            "cpu_shares" => Number(m.CpuShares),
            "max_lwps" => Number(m.MaxLwps),
            "quota" => Number(m.Quota),
            "create_timestamp" => m.CreateTimestamp?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    /// <summary>sdc:routes as SmartOS gives it: [{"linklocal", "dst", "gateway"}]; a route on a nic's link has that nic's address as gateway.</summary>
    private static string Routes(Manifest m)
    {
        var routes = new System.Text.Json.Nodes.JsonArray();
        foreach ((string destination, string via) in m.Routes ?? [])
        {
            bool onLink = via.StartsWith("nics[", StringComparison.Ordinal);
            string? gateway = via;
            if (onLink && int.TryParse(via.AsSpan(5, via.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                gateway = m.Nics is { } nics && index < nics.Count ? nics[index].Ip : null;
            }

            routes.Add(new System.Text.Json.Nodes.JsonObject { ["linklocal"] = onLink, ["dst"] = destination, ["gateway"] = gateway });
        }

        return routes.ToJsonString();
    }

    private static string? Number(long? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>A property of the manifest as compact JSON, spelled as the wire spells it (snake_case).</summary>
    private static string? ManifestProperty(Manifest m, string name)
    {
        JsonElement all = JsonSerializer.SerializeToElement(m, BerthJson.Default.Manifest);
        if (!all.TryGetProperty(name, out JsonElement value))
        {
            return null;
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
