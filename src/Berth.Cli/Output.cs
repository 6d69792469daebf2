using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Berth.Cli;

/// <summary>Shared output: JSON (-j), tables (Spectre on a terminal, aligned plain text otherwise), vmadm's parsable rows, errors.</summary>
public static class Output
{
    public static bool IsTerminal => !Console.IsOutputRedirected;

    public static void Json<T>(T value, JsonTypeInfo<T> type) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(value, type));

    public static void Json(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            value.WriteTo(writer);
        }

        Console.Out.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Prints rows under headers: parsable (colon-separated, no header), plain aligned text, or a Spectre table on a terminal.</summary>
    public static void Table(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, bool header = true, bool parsable = false)
    {
        if (parsable)
        {
            Console.Out.Write(Parsable(rows));
        }
        else if (IsTerminal)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (string h in headers)
            {
                table.AddColumn(new TableColumn(new Text(h, new Style(decoration: Decoration.Bold))));
            }

            table.ShowHeaders = header;
            foreach (string[] row in rows)
            {
                table.AddRow(row.Select(cell => (IRenderable)new Text(cell)));
            }

            AnsiConsole.Write(table);
        }
        else
        {
            Console.Out.Write(Plain(headers, rows, header));
        }
    }

    /// <summary>Two columns, PROPERTY and VALUE, from the top level of a JSON object.</summary>
    public static void Properties(JsonElement obj)
    {
        var rows = new List<string[]>();
        foreach (JsonProperty p in obj.EnumerateObject())
        {
            rows.Add([p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : VmList.Compact(p.Value)]);
        }

        Table(["PROPERTY", "VALUE"], rows);
    }

    /// <summary>Columns aligned with two spaces, the last one unpadded, as vmadm prints them.</summary>
    public static string Plain(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows, bool header = true)
    {
        List<string[]> all = header ? [[.. headers], .. rows] : [.. rows];
        int[] widths = new int[headers.Count];
        foreach (string[] row in all)
        {
            for (int i = 0; i < row.Length && i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var text = new StringBuilder();
        foreach (string[] row in all)
        {
            for (int i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    /// <summary>vmadm's -p: fields joined by ':', with ':' and '\' inside a field escaped by '\'.</summary>
    public static string Parsable(IReadOnlyList<string[]> rows)
    {
        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            text.AppendJoin(':', row.Select(c => c.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal)));
            text.Append('\n');
        }

        return text.ToString();
    }

    public static void Error(Exception e)
    {
        foreach (string line in ExitCodes.Describe(e))
        {
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>A progress or success note for people; it goes to stderr so stdout stays the data.</summary>
    public static void Note(string message) => Console.Error.WriteLine(message);
}
