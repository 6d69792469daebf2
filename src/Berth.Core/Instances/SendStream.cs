using System.Text.Json.Serialization;
using Berth.Api.Contracts;

namespace Berth.Core.Instances;

/// <summary>
/// The self-describing stream of <c>berth vm send</c>: magic line, header, each dataset in chunks, sha256 trailer.
/// </summary>
/// <remarks>
/// Layout (integers big-endian): <c>"BERTH-SEND 1\n"</c>; u32 header length + header JSON; per dataset a run of
/// u32 length + bytes chunks ended by a zero length; then the 32-byte sha256 of every byte before it, then end of stream.
/// </remarks>
public static class SendStream
{
    public static ReadOnlySpan<byte> Magic => "BERTH-SEND 1\n"u8;

    /// <summary>Chunks the writer makes; the reader accepts up to <see cref="MaxChunk"/> so a flipped length byte cannot ask for gigabytes.</summary>
    public const int ChunkSize = 256 * 1024;

    public const int MaxChunk = 4 * 1024 * 1024;

    public const int MaxHeader = 4 * 1024 * 1024;

    public const int TrailerLength = 32;

    /// <summary>The dataset an lx instance has: its root filesystem.</summary>
    public const string RootDataset = "root";

    public const string MediaType = "application/vnd.berth.send-stream";

    internal static BerthException Corrupt(string what) =>
        BerthException.Invalid("stream", $"the send stream is corrupt: {what}");

    internal static BerthException Truncated(string what) =>
        BerthException.Invalid("stream", $"the send stream is truncated: {what}");
}

/// <summary>The header of a send stream: what it holds and how to receive it.</summary>
/// <param name="Manifest">the instance's manifest as the sender had it</param>
/// <param name="Driver">the storage driver whose stream format the datasets are in (btrfs | dir)</param>
/// <param name="Datasets">the instance's datasets in stream order ("root" for an lx instance)</param>
/// <param name="Snapshot">the snapshot each dataset was sent from; the receiver has it afterwards</param>
/// <param name="FromSnapshot">the base of an incremental stream, which the receiver must have; null for a full stream</param>
/// <param name="CreatedAt">when the stream was written</param>
/// <param name="Image">the image the instance came from (init and stop signal), so the receiver needs not have it</param>
public sealed record SendHeader(
    Manifest Manifest,
    string Driver,
    IReadOnlyList<string> Datasets,
    string Snapshot,
    string? FromSnapshot,
    DateTimeOffset CreatedAt,
    ImageManifest? Image);

/// <summary>JSON of the send stream's header: snake_case, unknown fields rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(SendHeader))]
internal sealed partial class SendStreamJson : JsonSerializerContext;
