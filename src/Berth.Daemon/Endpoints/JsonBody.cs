using System.Text.Json;
using Berth.Core;

namespace Berth.Daemon.Endpoints;

/// <summary>Reads a request body as raw JSON, so that validation sees unknown properties and wrong types itself.</summary>
internal static class JsonBody
{
    public static async Task<JsonElement> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using JsonDocument doc = await JsonDocument.ParseAsync(request.Body, default, ct).ConfigureAwait(false);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new BerthException(ErrorKind.InvalidArgument, $"the body is not valid JSON: {e.Message}", e);
        }
    }

    public static async Task<T> ReadAsync<T>(HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, ct).ConfigureAwait(false)
                ?? throw new BerthException(ErrorKind.InvalidArgument, "the body is empty");
        }
        catch (JsonException e)
        {
            string where = e.Path is null ? "" : $"{e.Path.TrimStart('$', '.')}: ";
            throw new BerthException(ErrorKind.InvalidArgument, $"{where}{e.Message}", e);
        }
    }
}
