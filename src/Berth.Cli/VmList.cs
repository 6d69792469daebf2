using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary>A <c>field=value</c> (exact) or <c>field=~regex</c> filter of <c>vm list</c>, as vmadm's.</summary>
public sealed record ListFilter(string Field, string Value, Regex? Pattern)
{
    public bool Matches(string? actual) =>
        Pattern is not null ? actual is not null && Pattern.IsMatch(actual) : string.Equals(actual ?? "", Value, StringComparison.Ordinal);
}

/// <summary>A sort key of <c>vm list -s</c>: a field, descending when written with a leading '-'.</summary>
public sealed record SortKey(string Field, bool Descending);

/// <summary>vmadm's list, done on the client: columns, sort and filters over manifests (as JSON, so any property works).</summary>
public static class VmList
{
    public static readonly IReadOnlyList<string> DefaultColumns = ["uuid", "type", "ram", "state", "alias"];
    public static readonly IReadOnlyList<SortKey> DefaultSort = [new("ram", false), new("uuid", false)];

    /// <summary>vmadm's short names for manifest properties.</summary>
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["ram"] = "max_physical_memory",
        ["type"] = "brand",
    };

    public static IReadOnlyList<string> ParseColumns(string? spec) =>
        spec is null ? DefaultColumns : SplitFields(spec, "-o");

    public static IReadOnlyList<SortKey> ParseSort(string? spec) =>
        spec is null ? DefaultSort : [.. SplitFields(spec, "-s").Select(f => f.StartsWith('-') ? new SortKey(f[1..], true) : new SortKey(f.TrimStart('+'), false))];

    public static IReadOnlyList<ListFilter> ParseFilters(IEnumerable<string> args)
    {
        var filters = new List<ListFilter>();
        foreach (string arg in args)
        {
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"\"{arg}\" is not a filter: write field=value or field=~regex");
            }

            string field = arg[..eq];
            string value = arg[(eq + 1)..];
            Regex? pattern = null;
            if (value.StartsWith('~'))
            {
                try
                {
                    pattern = new Regex(value[1..], RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"\"{value[1..]}\" is not a regular expression: {e.Message}");
                }
            }

            filters.Add(new ListFilter(field, value, pattern));
        }

        return filters;
    }

    public static JsonElement ToElement(Manifest manifest) => JsonSerializer.SerializeToElement(manifest, BerthJson.Default.Manifest);

    /// <summary>The text of a field of a manifest: aliases (type, ram) and dotted paths (nics.0.ip, tags.role) resolved; null when absent.</summary>
    public static string? Value(JsonElement manifest, string field)
    {
        if (field == "type")
        {
            return Text(Lookup(manifest, "brand"))?.ToUpperInvariant();
        }

        return Text(Lookup(manifest, s_aliases.GetValueOrDefault(field, field)));
    }

    public static string Header(string field) => field.ToUpperInvariant();

    /// <summary>The manifests that pass every filter, sorted by the keys (numbers numerically, absent first).</summary>
    public static List<Manifest> Select(IEnumerable<Manifest> manifests, IReadOnlyList<ListFilter> filters, IReadOnlyList<SortKey> sort)
    {
        var rows = manifests.Select(m => (Manifest: m, Json: ToElement(m)))
            .Where(r => filters.All(f => f.Matches(Value(r.Json, f.Field))))
            .ToList();
        rows.Sort((a, b) =>
        {
            foreach (SortKey key in sort)
            {
                int c = Compare(Value(a.Json, key.Field), Value(b.Json, key.Field));
                if (c != 0)
                {
                    return key.Descending ? -c : c;
                }
            }

            return 0;
        });
        return [.. rows.Select(r => r.Manifest)];
    }

    /// <summary>The table cells of the manifests for the columns; an absent value is "-", as vmadm prints it.</summary>
    public static List<string[]> Rows(IEnumerable<Manifest> manifests, IReadOnlyList<string> columns) =>
        [.. manifests.Select(ToElement).Select(json => columns.Select(c => Value(json, c) ?? "-").ToArray())];

    private static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        if (double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out double x)
            && double.TryParse(b, NumberStyles.Float, CultureInfo.InvariantCulture, out double y))
        {
            return x.CompareTo(y);
        }

        return string.CompareOrdinal(a, b);
    }

    private static JsonElement? Lookup(JsonElement element, string path)
    {
        JsonElement current = element;
        foreach (string part in path.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out JsonElement next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < current.GetArrayLength())
            {
                current = current[i];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static string? Text(JsonElement? element) => element?.ValueKind switch
    {
        null or JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => element.Value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        // Numbers, objects and arrays print as compact JSON.
        _ => Compact(element.Value),
    };

    public static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static List<string> SplitFields(string spec, string option)
    {
        List<string> fields = [.. spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        if (fields.Count == 0)
        {
            throw new UsageException($"{option} needs a comma-separated list of fields");
        }

        return fields;
    }
}
