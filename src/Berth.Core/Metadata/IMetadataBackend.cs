using Berth.Api.Contracts;

namespace Berth.Core.Metadata;

/// <summary>Where the metadata service reads an instance's manifest and writes the guest's changes (the instance service).</summary>
public interface IMetadataBackend
{
    /// <summary>The instance's manifest as recorded now, or null once it is gone.</summary>
    Task<Manifest?> ReadAsync(string uuid, CancellationToken ct);

    /// <summary>Sets (a value) or removes (null) a customer_metadata key for the guest; null when done, else why it was refused.</summary>
    Task<string?> WriteAsync(string uuid, string key, string? value, CancellationToken ct);
}
