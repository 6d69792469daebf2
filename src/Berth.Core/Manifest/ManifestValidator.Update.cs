using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Berth.Api.Contracts;
using static Berth.Core.Manifests.ValidationErrors;

namespace Berth.Core.Manifests;

/// <summary>The result of validating <c>vm update</c>.</summary>
/// <param name="Updated">the whole manifest after the update, normalized</param>
/// <param name="ChangedProperties">top-level properties whose value changed, in table order</param>
/// <param name="NeedRestart">the changed ones that take effect only at the next start</param>
public sealed record ManifestUpdate(Manifest Updated, IReadOnlyList<string> ChangedProperties, IReadOnlyList<string> NeedRestart);

public static partial class ManifestValidator
{
    /// <summary>
    /// Validates an update: a JSON object of top-level properties to set (null resets one to its default).
    /// Only properties the table marks updatable may appear; the merged manifest is validated whole.
    /// </summary>
    /// <exception cref="BerthException">InvalidArgument, with one <see cref="PropertyError"/> per problem.</exception>
    public static ManifestUpdate ValidateUpdate(Manifest current, JsonElement patch)
    {
        var errors = new ValidationErrors();
        CheckPatch(patch, errors);
        errors.ThrowIfAny();

        JsonElement before = JsonSerializer.SerializeToElement(current, BerthJson.Default.Manifest);
        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty property in before.EnumerateObject())
        {
            // Read-only ones and nics are not re-validated: Berth set them, and update cannot change them.
            if (PropertyTable.TopLevel.TryGetValue(property.Name, out PropertyDef? def) && !def.ReadOnly && def.Type is not (PropertyType.NicArray or PropertyType.DiskArray))
            {
                merged[property.Name] = property.Value;
            }
        }

        foreach (JsonProperty property in patch.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                merged.Remove(property.Name);
            }
            else
            {
                merged[property.Name] = property.Value;
            }
        }

        RaiseSwapWithMemory(merged, patch);
        using JsonDocument document = ToDocument(merged);
        Manifest? validated = ValidateCore(document.RootElement, errors, current.Nics?.Count ?? 0);
        errors.ThrowIfAny();

        Manifest updated = validated! with
        {
            Nics = current.Nics,
            Disks = current.Disks,
            Accel = current.Accel,
            AccelWarning = current.AccelWarning,
            State = current.State,
            Pid = current.Pid,
            CreateTimestamp = current.CreateTimestamp,
            LastModified = current.LastModified,
            ExitStatus = current.ExitStatus,
        };
        CheckHealthCheckNics(updated, errors);
        errors.ThrowIfAny();
        JsonElement after = JsonSerializer.SerializeToElement(updated, BerthJson.Default.Manifest);
        List<string> changed = PropertyTable.TopLevel.Values
            .Where(def => !def.ReadOnly && !SameValue(before, after, def.Name))
            .Select(def => def.Name)
            .ToList();
        List<string> needRestart = changed.Where(name => PropertyTable.TopLevel[name].Update == UpdateMode.Restart).ToList();
        return new ManifestUpdate(updated, changed, needRestart);
    }

    private static void CheckPatch(JsonElement patch, ValidationErrors errors)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            errors.Add("manifest", $"{Show(patch)} is not a JSON object");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in patch.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add(property.Name, "is given twice");
            }
            else if (!PropertyTable.TopLevel.TryGetValue(property.Name, out PropertyDef? def))
            {
                string? guess = Spelling.Closest(property.Name, PropertyTable.TopLevel.Keys);
                errors.Add(property.Name, guess is null ? "unknown property" : $"unknown property (did you mean {guess}?)");
            }
            else if (def.ReadOnly)
            {
                errors.Add(property.Name, "is read-only (set by Berth)");
            }
            else if (def.Update == UpdateMode.No)
            {
                errors.Add(property.Name, "cannot be changed by update");
            }
        }
    }

    // As vmadm: raising max_physical_memory above max_swap without giving max_swap raises max_swap to match.
    private static void RaiseSwapWithMemory(Dictionary<string, JsonElement> merged, JsonElement patch)
    {
        if (patch.TryGetProperty("max_swap", out _)
            || !patch.TryGetProperty("max_physical_memory", out JsonElement memory)
            || memory.ValueKind != JsonValueKind.Number
            || !memory.TryGetInt64(out long newMemory)
            || !merged.TryGetValue("max_swap", out JsonElement swap)
            || !swap.TryGetInt64(out long oldSwap)
            || oldSwap >= newMemory)
        {
            return;
        }

        using JsonDocument raised = JsonDocument.Parse(newMemory.ToString(CultureInfo.InvariantCulture));
        merged["max_swap"] = raised.RootElement.Clone();
    }

    private static JsonDocument ToDocument(Dictionary<string, JsonElement> properties)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string name, JsonElement value) in properties)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return JsonDocument.Parse(buffer.WrittenMemory);
    }

    private static bool SameValue(JsonElement before, JsonElement after, string name)
    {
        bool hadIt = before.TryGetProperty(name, out JsonElement old);
        bool hasIt = after.TryGetProperty(name, out JsonElement now);
        return hadIt == hasIt && (!hadIt || JsonElement.DeepEquals(old, now));
    }
}
