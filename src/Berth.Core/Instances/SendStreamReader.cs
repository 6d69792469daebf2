using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace Berth.Core.Instances;

/// <summary>
/// Reads a send stream, hashing as it goes: <see cref="ReadHeaderAsync"/>, then per dataset <see cref="OpenDataset"/>
/// (read it to its end), then <see cref="VerifyTrailerAsync"/>. Every defect is an InvalidArgument naming what is wrong.
/// </summary>
public sealed class SendStreamReader : IDisposable
{
    private readonly Stream _input;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private SendHeader? _header;
    private int _nextDataset;
    private DatasetReadStream? _open;

    public SendStreamReader(Stream input) => _input = input;

    /// <summary>The first defect of the stream met, also when a driver reading the dataset stream saw it only as a failed read.</summary>
    public BerthException? Failure { get; private set; }

    public async Task<SendHeader> ReadHeaderAsync(CancellationToken ct = default)
    {
        byte[] magic = await ReadExactAsync(SendStream.Magic.Length, "its magic line", ct).ConfigureAwait(false);
        if (!magic.AsSpan().SequenceEqual(SendStream.Magic))
        {
            throw Fail(SendStream.Corrupt("it does not begin with \"BERTH-SEND 1\" (not a Berth send stream, or another version)"));
        }

        int length = await ReadLengthAsync("the header length", ct).ConfigureAwait(false);
        if (length is 0 or > SendStream.MaxHeader)
        {
            throw Fail(SendStream.Corrupt($"the header length {length} is not between 1 and {SendStream.MaxHeader}"));
        }

        byte[] json = await ReadExactAsync(length, "its header", ct).ConfigureAwait(false);
        SendHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(json, SendStreamJson.Default.SendHeader);
        }
        catch (JsonException e)
        {
            throw Fail(SendStream.Corrupt($"the header is not valid JSON: {e.Message}"));
        }

        _header = Check(header);
        return _header;
    }

    private SendHeader Check(SendHeader? header)
    {
        string? problem = header switch
        {
            null => "the header is empty",
            { Manifest: null } => "the header has no manifest",
            { Manifest.Uuid: null } => "the header's manifest has no uuid",
            _ when string.IsNullOrEmpty(header.Driver) => "the header names no storage driver",
            { Datasets: null or { Count: 0 } } => "the header lists no datasets",
            _ when string.IsNullOrEmpty(header.Snapshot) => "the header names no snapshot",
            _ => null,
        };
        return problem is null ? header! : throw Fail(SendStream.Corrupt(problem));
    }

    /// <summary>The next dataset's driver stream; reading it to its end (0) is required before the next one.</summary>
    public Stream OpenDataset()
    {
        SendHeader header = _header ?? throw new InvalidOperationException("read the header first");
        if (_open is { Ended: false } || _nextDataset >= header.Datasets.Count)
        {
            throw new InvalidOperationException("the previous dataset is not read to its end, or none is left");
        }

        _open = new DatasetReadStream(this, header.Datasets[_nextDataset++]);
        return _open;
    }

    /// <summary>Reads what a driver left unread of the open dataset (tar stops at its end blocks), up to the end marker.</summary>
    public async Task DrainDatasetAsync(CancellationToken ct = default)
    {
        if (_open is null)
        {
            return;
        }

        byte[] sink = new byte[SendStream.ChunkSize];
        while (await _open.ReadAsync(sink, ct).ConfigureAwait(false) > 0)
        {
        }
    }

    /// <summary>Checks the sha256 trailer and that nothing follows it.</summary>
    public async Task VerifyTrailerAsync(CancellationToken ct = default)
    {
        SendHeader header = _header ?? throw new InvalidOperationException("read the header first");
        if (_nextDataset < header.Datasets.Count || _open is { Ended: false })
        {
            throw new InvalidOperationException("read every dataset before the trailer");
        }

        byte[] expected = _hash.GetHashAndReset();
        byte[] trailer = await ReadExactAsync(SendStream.TrailerLength, "its sha256 trailer", ct, hash: false).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(expected, trailer))
        {
            throw Fail(SendStream.Corrupt($"sha256 mismatch (the stream says {Convert.ToHexStringLower(trailer)}, its content is {Convert.ToHexStringLower(expected)})"));
        }

        byte[] one = new byte[1];
        if (await _input.ReadAsync(one, ct).ConfigureAwait(false) > 0)
        {
            throw Fail(SendStream.Corrupt("bytes follow its trailer"));
        }
    }

    private async Task<int> ReadLengthAsync(string what, CancellationToken ct)
    {
        byte[] prefix = await ReadExactAsync(4, what, ct).ConfigureAwait(false);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        return length > int.MaxValue ? int.MaxValue : (int)length;
    }

    private async Task<byte[]> ReadExactAsync(int count, string what, CancellationToken ct, bool hash = true)
    {
        byte[] buffer = new byte[count];
        await ReadExactAsync(buffer, what, ct, hash).ConfigureAwait(false);
        return buffer;
    }

    private async Task ReadExactAsync(Memory<byte> buffer, string what, CancellationToken ct, bool hash = true)
    {
        int read = await _input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read < buffer.Length)
        {
            throw Fail(SendStream.Truncated($"it ends in {what} ({read} of {buffer.Length} bytes)"));
        }

        if (hash)
        {
            _hash.AppendData(buffer.Span);
        }
    }

    private BerthException Fail(BerthException e)
    {
        Failure ??= e;
        return e;
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>One dataset's bytes, unframed; ends (0) at the zero-length chunk.</summary>
    private sealed class DatasetReadStream(SendStreamReader reader, string name) : Stream
    {
        private int _left;

        public bool Ended { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Ended || buffer.Length == 0)
            {
                return 0;
            }

            if (_left == 0)
            {
                _left = await reader.ReadLengthAsync($"a chunk length of dataset \"{name}\"", ct).ConfigureAwait(false);
                if (_left > SendStream.MaxChunk)
                {
                    throw reader.Fail(SendStream.Corrupt($"a chunk of dataset \"{name}\" claims {_left} bytes (at most {SendStream.MaxChunk})"));
                }

                if (_left == 0)
                {
                    Ended = true;
                    return 0;
                }
            }

            Memory<byte> slice = buffer[..Math.Min(buffer.Length, _left)];
            await reader.ReadExactAsync(slice, $"a chunk of dataset \"{name}\"", ct).ConfigureAwait(false);
            _left -= slice.Length;
            return slice.Length;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
