using System.Text.Json;

namespace Berth.Api.Contracts;

/// <summary>Wire JSON on one line: a server-sent event's data and <c>vm events -j</c> lines (BerthJson indents).</summary>
public static class EventJson
{
    public static BerthJson Compact { get; } = new(new JsonSerializerOptions(BerthJson.Default.Options) { WriteIndented = false, TypeInfoResolver = null });
}
