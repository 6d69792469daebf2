using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Instances;

namespace Berth.Tests.Instances;

public sealed class SendStreamTests
{
    private static readonly SendHeader s_header = new(
        new Manifest { Uuid = "2b1a4c1e-7f3d-4a8e-9b0c-1d2e3f4a5b6c", Alias = "web", Brand = "lx", Zpool = "default", Quota = 1 },
        "btrfs",
        [SendStream.RootDataset, "disk1"],
        "send-20250101T000000Z",
        null,
        new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new ImageManifest { Uuid = "7b5f6d9e-6c1a-4b7e-9a55-0b1e2a3c4d5e", BerthInit = "/sbin/init", BerthStopSignal = "SIGUSR2" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Payload(int length, int seed) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed))];

    /// <summary>A stream of two datasets: one spanning several chunks (written in odd pieces), one empty.</summary>
    private static async Task<byte[]> WriteAsync(byte[] first, byte[] second)
    {
        using var output = new MemoryStream();
        using var writer = new SendStreamWriter(output);
        await writer.WriteHeaderAsync(s_header, Ct);
        Stream dataset = writer.BeginDataset();
        for (int offset = 0; offset < first.Length; offset += 70_001)
        {
            await dataset.WriteAsync(first.AsMemory(offset, Math.Min(70_001, first.Length - offset)), Ct);
        }

        await writer.EndDatasetAsync(Ct);
        await writer.BeginDataset().WriteAsync(second, Ct);
        await writer.EndDatasetAsync(Ct);
        await writer.FinishAsync(Ct);
        return output.ToArray();
    }

    private static async Task<(SendHeader Header, byte[] First, byte[] Second)> ReadAsync(byte[] stream)
    {
        using var reader = new SendStreamReader(new MemoryStream(stream));
        SendHeader header = await reader.ReadHeaderAsync(Ct);
        using var first = new MemoryStream();
        await reader.OpenDataset().CopyToAsync(first, Ct);
        using var second = new MemoryStream();
        await reader.OpenDataset().CopyToAsync(second, Ct);
        await reader.VerifyTrailerAsync(Ct);
        return (header, first.ToArray(), second.ToArray());
    }

    [Fact]
    public async Task RoundTripKeepsHeaderAndEveryByte()
    {
        byte[] first = Payload(SendStream.ChunkSize * 2 + 12_345, 7);
        byte[] second = Payload(100, 3);
        byte[] stream = await WriteAsync(first, second);
        Assert.StartsWith("BERTH-SEND 1\n", System.Text.Encoding.ASCII.GetString(stream, 0, 13));

        (SendHeader header, byte[] readFirst, byte[] readSecond) = await ReadAsync(stream);
        Assert.Equal(s_header.Manifest, header.Manifest);
        Assert.Equal(s_header.Datasets, header.Datasets);
        Assert.Equal(s_header.Image, header.Image);
        Assert.Equal((s_header.Driver, s_header.Snapshot, s_header.FromSnapshot, s_header.CreatedAt), (header.Driver, header.Snapshot, header.FromSnapshot, header.CreatedAt));
        Assert.Equal(first, readFirst);
        Assert.Equal(second, readSecond);
    }

    [Fact]
    public async Task EmptyDatasetsRoundTrip()
    {
        (_, byte[] first, byte[] second) = await ReadAsync(await WriteAsync([], []));
        Assert.Empty(first);
        Assert.Empty(second);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(13)]
    [InlineData(15)]
    [InlineData(40)]
    [InlineData(-33)]
    [InlineData(-32)]
    [InlineData(-31)]
    [InlineData(-1)]
    public async Task TruncatedStreamIsRejected(int cut)
    {
        byte[] stream = await WriteAsync(Payload(300_000, 1), Payload(10, 2));
        int length = cut >= 0 ? cut : stream.Length + cut;
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream[..length]));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public async Task TruncatedInsideADatasetNamesTheDataset()
    {
        byte[] stream = await WriteAsync(Payload(300_000, 1), Payload(10, 2));
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream[..200_000]));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("dataset \"root\"", e.Message);
    }

    [Fact]
    public async Task FlippedPayloadByteFailsTheSha256()
    {
        byte[] stream = await WriteAsync(Payload(300_000, 1), Payload(10, 2));
        stream[150_000] ^= 0x40;
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream));
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("sha256 mismatch", e.Message);
        Assert.Equal("stream", Assert.Single(e.Errors).Property);
    }

    [Fact]
    public async Task FlippedTrailerByteFailsTheSha256()
    {
        byte[] stream = await WriteAsync(Payload(1000, 1), Payload(10, 2));
        stream[^5] ^= 0x01;
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream));
        Assert.Contains("sha256 mismatch", e.Message);
    }

    [Fact]
    public async Task BadMagicIsRejected()
    {
        byte[] stream = await WriteAsync(Payload(10, 1), []);
        stream[3] = (byte)'X';
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream));
        Assert.Contains("corrupt", e.Message);
        Assert.Contains("BERTH-SEND 1", e.Message);
    }

    [Fact]
    public async Task BadHeaderJsonIsRejected()
    {
        byte[] stream = await WriteAsync(Payload(10, 1), []);
        stream[SendStream.Magic.Length + 4] = (byte)'!'; // the header's opening brace
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream));
        Assert.Contains("header is not valid JSON", e.Message);
    }

    [Fact]
    public async Task HugeChunkLengthIsRejectedBeforeReading()
    {
        byte[] stream = await WriteAsync(Payload(10, 1), []);
        int headerLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(stream.AsSpan(SendStream.Magic.Length));
        int chunk = SendStream.Magic.Length + 4 + headerLength;
        stream[chunk] = 0x7f;
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync(stream));
        Assert.Contains("claims", e.Message);
    }

    [Fact]
    public async Task BytesAfterTheTrailerAreRejected()
    {
        byte[] stream = await WriteAsync(Payload(10, 1), []);
        BerthException e = await Assert.ThrowsAsync<BerthException>(() => ReadAsync([.. stream, 0]));
        Assert.Contains("follow its trailer", e.Message);
    }

    [Fact]
    public async Task ReaderRemembersTheDefectADriverSawAsAFailedRead()
    {
        byte[] stream = await WriteAsync(Payload(300_000, 1), []);
        using var reader = new SendStreamReader(new MemoryStream(stream[..100_000]));
        await reader.ReadHeaderAsync(Ct);
        await Assert.ThrowsAnyAsync<Exception>(() => reader.OpenDataset().CopyToAsync(Stream.Null, Ct));
        Assert.NotNull(reader.Failure);
        Assert.Contains("truncated", reader.Failure!.Message);
    }
}
