using System.Text;

namespace Berth.Core.Metadata;

/// <summary>One line read from a guest: its text (UTF-8, newline removed) and size, or the mark of one too long.</summary>
public readonly record struct MdataRawLine(string Text, int Bytes, bool TooLong);

/// <summary>Reads newline-ended lines from a stream, never holding more than the limit of one line in memory.</summary>
/// <param name="stream">the guest's connection</param>
/// <param name="maxLineBytes">the longest line kept; longer ones are skipped</param>
/// <param name="onRead">called with the size of each read before it is looked at (the session charges the guest's rate limit there)</param>
public sealed class MdataLineReader(Stream stream, int maxLineBytes, Func<int, CancellationToken, ValueTask>? onRead = null)
{
    private readonly byte[] _buffer = new byte[8192];
    private readonly MemoryStream _line = new();
    private int _start;
    private int _end;

    /// <summary>The next line; null at the end of the stream. A line over the limit is skipped up to its newline and reported as TooLong.</summary>
    public async Task<MdataRawLine?> ReadLineAsync(CancellationToken ct)
    {
        _line.SetLength(0);
        int bytes = 0;
        bool tooLong = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, ct).ConfigureAwait(false);
                if (_end == 0)
                {
                    return null; // a partial line at the end is dropped: its request never completed
                }

                if (onRead is not null)
                {
                    await onRead(_end, ct).ConfigureAwait(false);
                }
            }

            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int take = (newline < 0 ? _end : newline) - _start;
            bytes = (int)Math.Min((long)bytes + take, int.MaxValue); // a guest may send gigabytes without a newline
            if (!tooLong && bytes > maxLineBytes)
            {
                tooLong = true;
                _line.SetLength(0);
            }

            if (!tooLong)
            {
                _line.Write(_buffer, _start, take);
            }

            _start += take;
            if (newline >= 0)
            {
                _start++; // past the newline
                return new MdataRawLine(tooLong ? "" : Decode(), bytes, tooLong);
            }
        }
    }

    private string Decode()
    {
        ReadOnlySpan<byte> span = _line.GetBuffer().AsSpan(0, (int)_line.Length);
        if (span.Length > 0 && span[^1] == '\r')
        {
            span = span[..^1]; // a serial line may end in CR LF
        }

        return Encoding.UTF8.GetString(span);
    }
}
