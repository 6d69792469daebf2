namespace Berth.Core.Metadata;

/// <summary>The bounds one instance's guest lives within when it talks to the metadata service (docs/metadata.md).</summary>
/// <param name="MaxLineBytes">the longest request line; a longer one is answered with an error and skipped</param>
/// <param name="MaxCustomerMetadataBytes">keys plus values of customer_metadata the guest may grow it to</param>
/// <param name="BurstTokens">the token bucket's capacity: requests a guest may send at once</param>
/// <param name="TokensPerSecond">the bucket's refill: the sustained request rate</param>
/// <param name="WriteCost">tokens a PUT or DELETE takes (each is a synchronous write of the store)</param>
/// <param name="MaxConnections">connections of one instance served at once; more wait in the listen backlog</param>
/// <param name="IdleTimeout">a connection without a complete request (or that does not take an answer) for this long is closed</param>
public sealed record MetadataLimits(
    int MaxLineBytes,
    long MaxCustomerMetadataBytes,
    double BurstTokens,
    double TokensPerSecond,
    double WriteCost,
    int MaxConnections,
    TimeSpan IdleTimeout)
{
    public static MetadataLimits Default { get; } = new(
        MaxLineBytes: 512 * 1024,
        MaxCustomerMetadataBytes: 1024 * 1024,
        BurstTokens: 64,
        TokensPerSecond: 32,
        WriteCost: 4,
        MaxConnections: 8,
        IdleTimeout: TimeSpan.FromSeconds(30));

    /// <summary>Bytes a token pays for: what a guest sends is charged as it is read, long lines and endless ones too.</summary>
    public const double BytesPerToken = 16384;

    /// <summary>Tokens one request costs besides its bytes: 1, plus the write cost for PUT and DELETE.</summary>
    public double Cost(bool writes) => 1 + (writes ? WriteCost : 0);
}
