using System.Text.Encodings.Web;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Core.Manifests;

/// <summary>Collects every problem of a manifest so that one answer lists them all.</summary>
internal sealed class ValidationErrors
{
    private const int MaxShownValue = 40;

    private readonly List<PropertyError> _errors = [];

    public bool Any => _errors.Count > 0;

    public int Count => _errors.Count;

    public void Add(string path, string message) => _errors.Add(new PropertyError(path, message));

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            PropertyError first = _errors[0];
            throw new BerthException(ErrorKind.InvalidArgument, $"{first.Property}: {first.Message}", _errors.ToArray());
        }
    }

    /// <summary>A value as the user wrote it, shortened for a message.</summary>
    public static string Show(JsonElement value)
    {
        string raw = value.GetRawText();
        return raw.Length <= MaxShownValue ? raw : raw[..MaxShownValue] + "...";
    }

    /// <summary>Quotes a string the way JSON does, for messages.</summary>
    public static string Quote(string text) =>
        "\"" + JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    /// <summary>The path of a map entry: <c>tags.role</c>, or <c>tags["a b"]</c> for keys that are not plain words.</summary>
    public static string KeyPath(string parent, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? $"{parent}.{key}"
            : $"{parent}[{Quote(key)}]";
}
