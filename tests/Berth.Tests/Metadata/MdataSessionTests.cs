using System.Text;
using Berth.Api.Contracts;
using Berth.Core.Metadata;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Tests.Metadata;

/// <summary>A session over an in-memory stream: requests in, answers out; the store is an in-memory backend.</summary>
public sealed class MdataSessionTests
{
    private const string Uuid = "5a0f7c1e-2b3d-4c5e-8f9a-0b1c2d3e4f5a";

    private sealed class MemoryBackend(Manifest manifest) : IMetadataBackend
    {
        public Manifest Manifest { get; private set; } = manifest;

        public bool Fail { get; set; }

        public Task<Manifest?> ReadAsync(string uuid, CancellationToken ct) =>
            Fail ? throw new IOException("disk on fire") : Task.FromResult<Manifest?>(uuid == Manifest.Uuid ? Manifest : null);

        public Task<string?> WriteAsync(string uuid, string key, string? value, CancellationToken ct)
        {
            if (MetadataModel.RefuseWrite(Manifest, key) is { } refused)
            {
                return Task.FromResult<string?>(refused);
            }

            Manifest = Manifest with { CustomerMetadata = MetadataModel.Apply(Manifest.CustomerMetadata, key, value) };
            return Task.FromResult<string?>(null);
        }
    }

    /// <summary>Reads from the requests, collects what the session writes.</summary>
    private sealed class DuplexStream(byte[] input) : Stream
    {
        private readonly MemoryStream _input = new(input);

        public MemoryStream Output { get; } = new();

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => Output.Write(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static readonly MetadataLimits s_limits = MetadataLimits.Default with { MaxLineBytes = 4096 };

    private static async Task<(string[] Answers, InstanceMetadataState State)> RunAsync(MemoryBackend backend, MetadataLimits limits, params string[] lines)
    {
        var state = new InstanceMetadataState(limits, TimeProvider.System);
        var stream = new DuplexStream(Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l.EndsWith('\n') ? l : l + "\n"))));
        await new MdataSession(Uuid, backend, state, NullLogger.Instance).RunAsync(stream, TestContext.Current.CancellationToken);
        string output = Encoding.UTF8.GetString(stream.Output.ToArray());
        return (output.Split('\n', StringSplitOptions.RemoveEmptyEntries), state);
    }

    private static MemoryBackend Backend() => new(new Manifest
    {
        Uuid = Uuid,
        Alias = "web01",
        CustomerMetadata = new() { ["motd"] = "hello" },
        InternalMetadata = new() { ["root_pw"] = "secret" },
    });

    private static (MdataStatus Status, string? Payload) Decode(string answer)
    {
        Assert.True(MdataCodec.TryDecodeReply(answer, out _, out MdataStatus status, out string? payload), $"a V2 answer: {answer}");
        return (status, payload);
    }

    [Fact]
    public async Task ServesAWholeConversation()
    {
        MemoryBackend backend = Backend();

        (string[] answers, _) = await RunAsync(backend, s_limits,
            "NEGOTIATE V2",
            MdataCodec.EncodeRequest("00000001", "GET", "motd"),
            MdataCodec.EncodePut("00000002", "color", "blue"),
            MdataCodec.EncodeRequest("00000003", "KEYS", null),
            MdataCodec.EncodeRequest("00000004", "DELETE", "motd"),
            MdataCodec.EncodeRequest("00000005", "GET", "motd"),
            MdataCodec.EncodeRequest("00000006", "GET", "sdc:alias"));

        Assert.Equal("V2_OK", answers[0]);
        Assert.Equal((MdataStatus.Success, "hello"), Decode(answers[1]));
        Assert.Equal(MdataStatus.Success, Decode(answers[2]).Status);
        Assert.Equal((MdataStatus.Success, "motd\ncolor\nroot_pw"), Decode(answers[3]));
        Assert.Equal(MdataStatus.Success, Decode(answers[4]).Status);
        Assert.Equal(MdataStatus.NotFound, Decode(answers[5]).Status);
        Assert.Equal((MdataStatus.Success, "web01"), Decode(answers[6]));
        Assert.Equal("blue", backend.Manifest.CustomerMetadata!["color"]);
    }

    [Fact]
    public async Task MalformedAndOversizedLinesGetErrorsAndTheSessionGoesOn()
    {
        (string[] answers, InstanceMetadataState state) = await RunAsync(Backend(), s_limits,
            "V2 9 00000000 garbage!!",
            "",
            new string('x', 10_000),
            MdataCodec.EncodeRequest("0000000a", "FROB", "x"),
            MdataCodec.EncodeRequest("0000000b", "GET", "motd"));

        Assert.Equal("FAILURE", answers[0]);
        Assert.Equal("invalid command", answers[1]);
        Assert.Equal("FAILURE", answers[2]);
        Assert.Equal(MdataStatus.Failure, Decode(answers[3]).Status);
        Assert.Equal((MdataStatus.Success, "hello"), Decode(answers[4]));
        Assert.Equal(4, state.Stats.Malformed);
    }

    [Fact]
    public async Task WritesTheGuestMayNotMakeAreFailures()
    {
        MemoryBackend backend = Backend();

        (string[] answers, _) = await RunAsync(backend, s_limits,
            MdataCodec.EncodePut("00000001", "root_pw", "mine now"),
            MdataCodec.EncodePut("00000002", "sdc:uuid", "x"),
            MdataCodec.EncodeRequest("00000003", "DELETE", "root_pw"));

        Assert.All(answers, a => Assert.Equal(MdataStatus.Failure, Decode(a).Status));
        Assert.Contains("internal_metadata", Decode(answers[0]).Payload);
        Assert.Equal("secret", backend.Manifest.InternalMetadata!["root_pw"]);
        Assert.False(backend.Manifest.CustomerMetadata!.ContainsKey("root_pw"));
    }

    [Fact]
    public async Task AFailingStoreIsAFailureAnswerNotACrash()
    {
        MemoryBackend backend = Backend();
        backend.Fail = true;

        (string[] answers, _) = await RunAsync(backend, s_limits,
            MdataCodec.EncodeRequest("00000001", "GET", "motd"),
            MdataCodec.EncodeRequest("00000002", "KEYS", null));

        Assert.Equal(2, answers.Length);
        Assert.All(answers, a => Assert.Equal(MdataStatus.Failure, Decode(a).Status));
    }

    [Fact]
    public async Task AFloodIsThrottledByTheBucket()
    {
        MetadataLimits tight = s_limits with { BurstTokens = 3, TokensPerSecond = 20 };
        string[] flood = [.. Enumerable.Range(0, 10).Select(i => MdataCodec.EncodeRequest($"{i:x8}", "GET", "motd"))];

        (string[] answers, InstanceMetadataState state) = await RunAsync(Backend(), tight, flood);

        Assert.Equal(10, answers.Length);
        Assert.All(answers, a => Assert.Equal(MdataStatus.Success, Decode(a).Status));
        Assert.InRange(state.Stats.Throttled, 5, 10);
    }

    [Fact]
    public async Task AnEndlessLineIsChargedAsItIsRead()
    {
        MetadataLimits tight = s_limits with { BurstTokens = 2, TokensPerSecond = 100 };
        var state = new InstanceMetadataState(tight, TimeProvider.System);
        var stream = new DuplexStream(Encoding.ASCII.GetBytes(new string('x', 200_000)));

        await new MdataSession(Uuid, Backend(), state, NullLogger.Instance).RunAsync(stream, TestContext.Current.CancellationToken);

        Assert.Equal(0, stream.Output.Length);
        Assert.True(state.Stats.Throttled > 0, "reading 200 KB without a newline waited for the bucket");
    }

    [Fact]
    public async Task LegacyV1GetIsServed()
    {
        (string[] answers, _) = await RunAsync(Backend(), s_limits, "GET motd", "GET absent", "PUT x y");

        Assert.Equal(["SUCCESS", "hello", ".", "NOTFOUND", "FAILURE"], answers);
    }
}
