using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Contracts;

namespace Berth.Core.Instances;

/// <summary>
/// vmadm's nic actions of an update: add_nics (nic objects), update_nics (objects keyed by mac) and remove_nics (MACs).
/// <see cref="Apply"/> turns them and the current nics into the new nics[] array for validation.
/// </summary>
internal sealed record NicActions(JsonArray Add, JsonArray Update, IReadOnlyList<string> Remove)
{
    private static readonly string[] s_keys = ["add_nics", "update_nics", "remove_nics"];

    /// <summary>Takes the nic actions out of an update patch; null actions when it has none.</summary>
    public static (JsonElement Others, NicActions? Actions) Split(JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Object || !s_keys.Any(k => patch.TryGetProperty(k, out _)))
        {
            return (patch, null);
        }

        var rest = new JsonObject();
        JsonArray add = [], update = [];
        var remove = new List<string>();
        foreach (JsonProperty p in patch.EnumerateObject())
        {
            switch (p.Name)
            {
                case "add_nics":
                    add = Array(p.Value, "add_nics", JsonValueKind.Object);
                    break;
                case "update_nics":
                    update = Array(p.Value, "update_nics", JsonValueKind.Object);
                    break;
                case "remove_nics":
                    remove = [.. Array(p.Value, "remove_nics", JsonValueKind.String).Select(n => n!.GetValue<string>().ToLowerInvariant())];
                    break;
                default:
                    rest[p.Name] = JsonNode.Parse(p.Value.GetRawText());
                    break;
            }
        }

        return (JsonSerializer.SerializeToElement(rest, BerthJson.Default.JsonNode), new NicActions(add, update, remove));
    }

    /// <summary>The nics[] array after the actions, as JSON for the validator; marks which MACs are new or changed.</summary>
    public JsonArray Apply(IReadOnlyList<Nic> current, out HashSet<string> changedMacs)
    {
        changedMacs = new HashSet<string>(StringComparer.Ordinal);
        var nics = new List<JsonObject>();
        foreach (Nic nic in current)
        {
            var o = (JsonObject)JsonSerializer.SerializeToNode(nic, BerthJson.Default.Nic)!;
            o.Remove("interface");
            nics.Add(o);
        }

        foreach (string mac in Remove)
        {
            int at = nics.FindIndex(n => Mac(n) == mac);
            if (at < 0)
            {
                throw BerthException.Invalid("remove_nics", $"no nic has mac {mac}");
            }

            nics.RemoveAt(at);
        }

        for (int i = 0; i < Update.Count; i++)
        {
            var change = (JsonObject)Update[i]!;
            string mac = (change["mac"] as JsonValue)?.GetValue<string>()?.ToLowerInvariant()
                ?? throw BerthException.Invalid($"update_nics[{i}].mac", "is required: it names the nic to change");
            JsonObject nic = nics.Find(n => Mac(n) == mac) ?? throw BerthException.Invalid($"update_nics[{i}].mac", $"no nic has mac {mac}");
            if (change.ContainsKey("ip") || change.ContainsKey("ips"))
            {
                // A new address replaces the old one whichever form it takes.
                nic.Remove("ip");
                nic.Remove("netmask");
                nic.Remove("ips");
            }

            foreach ((string key, JsonNode? value) in change)
            {
                nic[key] = value?.DeepClone();
            }

            changedMacs.Add(mac);
            TakePrimary(nics, nic);
        }

        foreach (JsonNode? added in Add)
        {
            var nic = (JsonObject)added!.DeepClone();
            nics.Add(nic);
            TakePrimary(nics, nic);
        }

        // Removing the primary nic makes the first one left primary.
        if (nics.Count > 0 && !nics.Any(n => (n["primary"] as JsonValue)?.GetValue<bool>() == true))
        {
            nics[0].Remove("primary");
        }

        return [.. nics];
    }

    private static void TakePrimary(List<JsonObject> nics, JsonObject nic)
    {
        if ((nic["primary"] as JsonValue)?.GetValue<bool>() == true)
        {
            nics.Where(n => !ReferenceEquals(n, nic)).ToList().ForEach(n => n["primary"] = false);
        }
    }

    private static string? Mac(JsonObject nic) => (nic["mac"] as JsonValue)?.GetValue<string>()?.ToLowerInvariant();

    private static JsonArray Array(JsonElement value, string property, JsonValueKind item)
    {
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != item))
        {
            throw BerthException.Invalid(property, item == JsonValueKind.String ? "is not an array of MAC addresses" : "is not an array of nic objects");
        }

        return (JsonArray)JsonNode.Parse(value.GetRawText())!;
    }
}
