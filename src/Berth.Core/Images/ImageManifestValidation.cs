using Berth.Api.Contracts;

namespace Berth.Core.Images;

/// <summary>Checks an image manifest as strictly as an instance manifest, naming the property.</summary>
internal static class ImageManifestValidation
{
    private static readonly string[] s_types = ["lx-dataset"];

    public static ImageManifest Normalize(ImageManifest m)
    {
        var errors = new List<PropertyError>();
        if (m.Uuid is null || !Guid.TryParseExact(m.Uuid, "D", out _))
        {
            errors.Add(new("uuid", $"\"{m.Uuid}\" is not a UUID"));
        }

        if (string.IsNullOrWhiteSpace(m.Name))
        {
            errors.Add(new("name", "is required"));
        }

        if (string.IsNullOrWhiteSpace(m.Version))
        {
            errors.Add(new("version", "is required"));
        }

        if (m.Type is null || !s_types.Contains(m.Type))
        {
            errors.Add(new("type", $"\"{m.Type}\" is not supported yet (lx-dataset)"));
        }

        if (m.Files is not { Count: 1 })
        {
            errors.Add(new("files", "must list exactly one file"));
        }
        else if (m.Files[0] is not { } file)
        {
            errors.Add(new("files[0]", "null is not an object"));
        }
        else
        {
            if (file.Sha256 is not { Length: 64 } sha || !sha.All(Uri.IsHexDigit))
            {
                errors.Add(new("files[0].sha256", $"\"{file.Sha256}\" is not a sha256 in hex"));
            }

            if (file.Size is < 0)
            {
                errors.Add(new("files[0].size", $"{file.Size} is not a size in bytes"));
            }
        }

        if (m.BerthStopSignal is string sig && !Instances.Containers.Signals.IsKnown(sig))
        {
            errors.Add(new("berth_stop_signal", $"\"{sig}\" is not a signal name (SIGTERM, SIGUSR2, SIGRTMIN+3 ...)"));
        }

        if (errors.Count > 0)
        {
            throw new BerthException(ErrorKind.InvalidArgument, $"{errors[0].Property}: {errors[0].Message}", errors);
        }

        // Instance manifests lowercase image_uuid, so an image keeps its uuid (and its dataset name) lowercase too.
        return m with
        {
            V = m.V ?? 2,
            Uuid = m.Uuid!.ToLowerInvariant(),
            Os = m.Os ?? "linux",
            PublishedAt = m.PublishedAt ?? DateTimeOffset.UtcNow,
            Files = [m.Files![0] with { Sha256 = m.Files[0].Sha256!.ToLowerInvariant() }],
        };
    }
}
