using System.Text;
using Berth.Api.Contracts;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Metadata;

/// <summary>
/// Serves one guest connection: reads request lines, answers each one, until the guest hangs up. Works over any
/// stream (an lx instance's unix socket now, a VM's virtio-serial port later); the uuid is fixed when the session is
/// made, so a guest can only ever reach its own instance's metadata.
/// </summary>
public sealed partial class MdataSession(string uuid, IMetadataBackend backend, InstanceMetadataState state, ILogger logger)
{
    public async Task RunAsync(Stream stream, CancellationToken ct)
    {
        MetadataLimits limits = state.Limits;
        var reader = new MdataLineReader(stream, limits.MaxLineBytes, (bytes, token) => ThrottleAsync(bytes / MetadataLimits.BytesPerToken, token));
        while (true)
        {
            MdataRawLine? raw;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                idle.CancelAfter(limits.IdleTimeout);
                try
                {
                    raw = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    return; // idle: the guest holds a connection without asking anything
                }
            }

            if (raw is not { } line)
            {
                return;
            }

            MdataLine parsed = line.TooLong
                ? new MdataMalformed(null, $"a request line is at most {limits.MaxLineBytes} bytes; this one was {line.Bytes}")
                : MdataCodec.Parse(line.Text);
            await ThrottleAsync(limits.Cost(parsed is MdataRequest { Writes: true }), ct).ConfigureAwait(false);

            string reply = await AnswerAsync(parsed, ct).ConfigureAwait(false);
            using var stalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stalled.CancelAfter(limits.IdleTimeout); // a guest that never reads its answers does not hold the connection forever
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply), stalled.Token).ConfigureAwait(false);
            await stream.FlushAsync(stalled.Token).ConfigureAwait(false);
        }
    }

    private async ValueTask ThrottleAsync(double cost, CancellationToken ct)
    {
        if (await state.Bucket.TakeAsync(cost, ct).ConfigureAwait(false) && state.CountThrottled())
        {
            Log.Throttled(logger, uuid, state.Stats.Throttled);
        }
    }

    /// <summary>The reply to one parsed line; a failure of the store becomes a FAILURE answer, never an exception.</summary>
    public async Task<string> AnswerAsync(MdataLine line, CancellationToken ct)
    {
        state.CountRequest();
        switch (line)
        {
            case MdataNegotiate negotiate:
                return MdataCodec.FormatNegotiate(negotiate);
            case MdataMalformed malformed:
                state.CountMalformed();
                Log.Malformed(logger, uuid, malformed.Error);
                return MdataCodec.FormatMalformed(malformed);
            case MdataRequest request:
                MdataReply reply;
                try
                {
                    reply = await ExecuteAsync(request, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.RequestFailed(logger, uuid, request.Command.ToString(), e);
                    reply = MdataReply.Fail("the metadata service failed; see berthd's log");
                }

                return MdataCodec.FormatReply(request, reply);
            default:
                throw new InvalidOperationException($"unknown line type {line.GetType().Name}");
        }
    }

    private async Task<MdataReply> ExecuteAsync(MdataRequest request, CancellationToken ct)
    {
        if (request.Writes && !request.IsV2)
        {
            return MdataReply.Fail("PUT and DELETE need the V2 protocol");
        }

        if (request.Writes)
        {
            string? refused = await backend.WriteAsync(uuid, request.Key!, request.Command == MdataCommand.Put ? request.Value ?? "" : null, ct)
                .ConfigureAwait(false);
            if (refused is not null)
            {
                Log.WriteRefused(logger, uuid, request.Key!, refused);
                return MdataReply.Fail(refused);
            }

            return MdataReply.Ok("OK");
        }

        Manifest? manifest = await backend.ReadAsync(uuid, ct).ConfigureAwait(false);
        if (manifest is null)
        {
            return MdataReply.Fail("the instance no longer exists");
        }

        return request.Command == MdataCommand.Keys ? MetadataModel.Keys(manifest) : MetadataModel.Get(manifest, request.Key!);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Metadata of instance {Uuid}: malformed request: {Error}")]
        public static partial void Malformed(ILogger logger, string uuid, string error);

        [LoggerMessage(Level = LogLevel.Information, Message = "Metadata of instance {Uuid}: refused writing \"{Key}\": {Reason}")]
        public static partial void WriteRefused(ILogger logger, string uuid, string key, string reason);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Metadata of instance {Uuid}: the guest is rate limited ({Throttled} requests throttled so far)")]
        public static partial void Throttled(ILogger logger, string uuid, long throttled);

        [LoggerMessage(Level = LogLevel.Error, Message = "Metadata of instance {Uuid}: {Command} failed")]
        public static partial void RequestFailed(ILogger logger, string uuid, string command, Exception e);
    }
}
