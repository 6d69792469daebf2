using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Manifests;

namespace Berth.Tests.Manifests;

/// <summary>Test JSON written with single quotes; IMG stands for a valid image uuid.</summary>
internal static class ManifestJson
{
    public const string ImageUuid = "3e2b1d5c-5f0e-4c1a-9d8e-000000000001";

    public static JsonElement Parse(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json.Replace('\'', '"').Replace("IMG", ImageUuid, StringComparison.Ordinal));
        return document.RootElement.Clone();
    }

    public static Manifest Valid(string json) => ManifestValidator.Validate(Parse(json));

    public static BerthException Invalid(string json) =>
        Assert.Throws<BerthException>(() => ManifestValidator.Validate(Parse(json)));
}
