using System.Globalization;
using System.Text.Json;

namespace Berth.Cli;

/// <summary>Turns <c>prop=value ...</c> of <c>vm update</c> into the JSON object the daemon takes.</summary>
/// <remarks>Integers become numbers, true/false booleans, a value starting with [ or { that parses as JSON stays JSON, anything else is a string.</remarks>
public static class PropertyArgs
{
    public static byte[] ToJson(IEnumerable<string> assignments)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (string assignment in assignments)
            {
                (string name, string value) = Split(assignment);
                if (!seen.Add(name))
                {
                    throw new UsageException($"\"{name}\" is given twice");
                }

                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        if (seen.Count == 0)
        {
            throw new UsageException("nothing to update: give -f FILE or prop=value ...");
        }

        return buffer.ToArray();
    }

    public static (string Name, string Value) Split(string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new UsageException($"\"{assignment}\" is not prop=value");
        }

        return (assignment[..eq], assignment[(eq + 1)..]);
    }

    private static void WriteValue(Utf8JsonWriter writer, string value)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
            && number.ToString(CultureInfo.InvariantCulture) == value)
        {
            writer.WriteNumberValue(number);
        }
        else if (value is "true" or "false")
        {
            writer.WriteBooleanValue(value == "true");
        }
        else if (value.StartsWith('[') || value.StartsWith('{'))
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(value);
                doc.RootElement.WriteTo(writer);
            }
            catch (JsonException e)
            {
                throw new UsageException($"\"{value}\" looks like JSON but is not: {e.Message}");
            }
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
