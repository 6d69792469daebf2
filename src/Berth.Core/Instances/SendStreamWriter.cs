using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace Berth.Core.Instances;

/// <summary>Writes a send stream: <see cref="WriteHeaderAsync"/>, then per dataset <see cref="BeginDataset"/> / <see cref="EndDatasetAsync"/>, then <see cref="FinishAsync"/>.</summary>
public sealed class SendStreamWriter : IDisposable
{
    private readonly Stream _output;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _datasetsLeft = -1;
    private ChunkWriteStream? _dataset;

    public SendStreamWriter(Stream output) => _output = output;

    public async Task WriteHeaderAsync(SendHeader header, CancellationToken ct = default)
    {
        if (_datasetsLeft >= 0)
        {
            throw new InvalidOperationException("the header is already written");
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header, SendStreamJson.Default.SendHeader);
        await WriteAsync(SendStream.Magic.ToArray(), ct).ConfigureAwait(false);
        await WriteLengthAsync(json.Length, ct).ConfigureAwait(false);
        await WriteAsync(json, ct).ConfigureAwait(false);
        _datasetsLeft = header.Datasets.Count;
    }

    /// <summary>A stream the next dataset's driver stream is written to; it becomes length-delimited chunks.</summary>
    public Stream BeginDataset()
    {
        if (_datasetsLeft <= 0 || _dataset is not null)
        {
            throw new InvalidOperationException(_datasetsLeft < 0 ? "write the header first" : "no dataset is left to write, or one is open");
        }

        _dataset = new ChunkWriteStream(this);
        return _dataset;
    }

    public async Task EndDatasetAsync(CancellationToken ct = default)
    {
        ChunkWriteStream dataset = _dataset ?? throw new InvalidOperationException("no dataset is open");
        await dataset.FlushChunkAsync(ct).ConfigureAwait(false);
        await WriteLengthAsync(0, ct).ConfigureAwait(false);
        _dataset = null;
        _datasetsLeft--;
    }

    /// <summary>Writes the trailer (sha256 of all before it) and flushes.</summary>
    public async Task FinishAsync(CancellationToken ct = default)
    {
        if (_datasetsLeft != 0 || _dataset is not null)
        {
            throw new InvalidOperationException("every dataset of the header must be written before the trailer");
        }

        await _output.WriteAsync(_hash.GetHashAndReset(), ct).ConfigureAwait(false);
        await _output.FlushAsync(ct).ConfigureAwait(false);
        _datasetsLeft = -2;
    }

    private async Task WriteLengthAsync(int length, CancellationToken ct)
    {
        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)length);
        await WriteAsync(prefix, ct).ConfigureAwait(false);
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        _hash.AppendData(bytes.Span);
        await _output.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    private async Task WriteChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
    {
        await WriteLengthAsync(chunk.Length, ct).ConfigureAwait(false);
        await WriteAsync(chunk, ct).ConfigureAwait(false);
    }

    public void Dispose() => _hash.Dispose();

    /// <summary>Collects a dataset's bytes into chunks of <see cref="SendStream.ChunkSize"/>.</summary>
    private sealed class ChunkWriteStream(SendStreamWriter writer) : Stream
    {
        private readonly byte[] _buffer = new byte[SendStream.ChunkSize];
        private int _filled;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            while (buffer.Length > 0)
            {
                int n = Math.Min(buffer.Length, _buffer.Length - _filled);
                buffer[..n].CopyTo(_buffer.AsMemory(_filled));
                _filled += n;
                buffer = buffer[n..];
                if (_filled == _buffer.Length)
                {
                    await FlushChunkAsync(ct).ConfigureAwait(false);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

        // Blocking writes are served for drivers that copy synchronously; the output may still refuse them (Kestrel does).
        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public async Task FlushChunkAsync(CancellationToken ct)
        {
            if (_filled > 0)
            {
                await writer.WriteChunkAsync(_buffer.AsMemory(0, _filled), ct).ConfigureAwait(false);
                _filled = 0;
            }
        }

        // A flush does not end a chunk: small chunks only cost framing.
        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
