using System.Text;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>Turns an error response into a <see cref="Problem"/>, whatever shape the body has.</summary>
public static class ProblemReader
{
    public static Problem Read(int status, string? reasonPhrase, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return new Problem { Status = status, Title = reasonPhrase, Detail = Fallback(status, reasonPhrase) };
        }

        try
        {
            Problem? typed = JsonSerializer.Deserialize(body, BerthJson.Default.Problem);
            if (typed is not null)
            {
                return typed with { Status = typed.Status ?? status, Detail = typed.Detail ?? typed.Title ?? Fallback(status, reasonPhrase) };
            }
        }
        catch (JsonException)
        {
            // Not Berth's own problem (ASP.NET adds traceId, a proxy may send HTML): read it leniently below.
        }

        return Lenient(status, reasonPhrase, body);
    }

    private static Problem Lenient(int status, string? reasonPhrase, ReadOnlySpan<byte> body)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(body.ToArray());
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                JsonElement root = doc.RootElement;
                string? title = StringOf(root, "title");
                return new Problem
                {
                    Status = status,
                    Title = title,
                    Detail = StringOf(root, "detail") ?? title ?? Fallback(status, reasonPhrase),
                    Errors = ErrorsOf(root),
                };
            }
        }
        catch (JsonException)
        {
        }

        string text = Encoding.UTF8.GetString(body).Trim();
        return new Problem { Status = status, Title = reasonPhrase, Detail = text.Length > 0 ? text : Fallback(status, reasonPhrase) };
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static List<PropertyError>? ErrorsOf(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out JsonElement errors) || errors.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<PropertyError>();
        foreach (JsonElement e in errors.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                list.Add(new PropertyError(StringOf(e, "property") ?? "", StringOf(e, "message") ?? e.GetRawText()));
            }
        }

        return list;
    }

    private static string Fallback(int status, string? reasonPhrase) =>
        $"berthd answered HTTP {status}{(string.IsNullOrEmpty(reasonPhrase) ? "" : " " + reasonPhrase)}";
}
