using System.Text;
using Berth.Core.Metadata;

namespace Berth.Tests.Metadata;

public sealed class MdataCodecTests
{
    private const string Id = "0a1b2c3d";

    private static MdataLine Parse(string frame) => MdataCodec.Parse(frame.TrimEnd('\n'));

    private static string Frame(string body) => $"V2 {body.Length} {Crc32.Hex(body)} {body}";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Crc32MatchesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void GoodGetFrameParses()
    {
        MdataLine line = Parse(MdataCodec.EncodeRequest(Id, "GET", "sdc:uuid"));

        Assert.Equal(new MdataRequest(MdataCommand.Get, "sdc:uuid", null, Id), line);
    }

    [Fact]
    public void FrameLooksAsTheSpecificationShowsIt()
    {
        // body "0a1b2c3d GET Zm9v" is 17 bytes; its crc32 is computed independently of the codec's own path.
        string frame = MdataCodec.EncodeRequest(Id, "GET", "foo");

        Assert.Equal($"V2 17 {Crc32.Compute(Encoding.ASCII.GetBytes("0a1b2c3d GET Zm9v")):x8} 0a1b2c3d GET Zm9v\n", frame);
    }

    [Fact]
    public void PutCarriesKeyAndValueEachEncoded()
    {
        const string value = "line one\n.line two with spaces and ünïcode\n";

        MdataLine line = Parse(MdataCodec.EncodePut(Id, "my key", value));

        Assert.Equal(new MdataRequest(MdataCommand.Put, "my key", value, Id), line);
    }

    [Fact]
    public void PutOfAnEmptyValueIsAllowed() =>
        Assert.Equal(new MdataRequest(MdataCommand.Put, "k", "", Id), Parse(MdataCodec.EncodePut(Id, "k", "")));

    [Fact]
    public void KeysAndDeleteParse()
    {
        Assert.Equal(new MdataRequest(MdataCommand.Keys, null, null, Id), Parse(MdataCodec.EncodeRequest(Id, "KEYS", null)));
        Assert.Equal(new MdataRequest(MdataCommand.Delete, "k", null, Id), Parse(MdataCodec.EncodeRequest(Id, "DELETE", "k")));
    }

    [Fact]
    public void BadChecksumIsAnErrorForThatRequest()
    {
        string body = $"{Id} GET {B64("foo")}";
        string frame = $"V2 {body.Length} deadbeef {body}";

        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse(frame));

        Assert.Equal(Id, bad.RequestId);
        Assert.Contains("checksum", bad.Error);
        Assert.True(MdataCodec.TryDecodeReply(MdataCodec.FormatMalformed(bad), out string id, out MdataStatus status, out string? payload));
        Assert.Equal((Id, MdataStatus.Failure), (id, status));
        Assert.Contains("checksum", payload);
    }

    [Theory]
    [InlineData("16")]
    [InlineData("18")]
    [InlineData("x")]
    [InlineData("-17")]
    public void BadLengthIsAnError(string length)
    {
        string body = $"{Id} GET {B64("foo")}";

        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse($"V2 {length} {Crc32.Hex(body)} {body}"));

        Assert.Equal(Id, bad.RequestId);
        Assert.Contains("length", bad.Error);
    }

    [Theory]
    [InlineData("Zm9v!")]
    [InlineData("Zm9")]
    [InlineData("Zm 9v")]
    [InlineData("/w==")] // decodes to 0xFF: not UTF-8
    public void BadBase64IsAnError(string payload)
    {
        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse(Frame($"{Id} GET {payload}")));

        Assert.Equal(Id, bad.RequestId);
    }

    [Fact]
    public void PutWithoutTwoEncodedPartsIsAnError()
    {
        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse(Frame($"{Id} PUT {B64(B64("only-a-key"))}")));

        Assert.Contains("PUT", bad.Error);
    }

    [Fact]
    public void UnknownCommandIsAnErrorForThatRequest()
    {
        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse(Frame($"{Id} FROB {B64("x")}")));

        Assert.Equal(Id, bad.RequestId);
        Assert.Contains("unknown command \"FROB\"", bad.Error);
    }

    [Theory]
    [InlineData("V2")]
    [InlineData("V2 12")]
    [InlineData("V2 5 abc")]
    public void TruncatedFrameIsAnError(string line) =>
        Assert.Null(Assert.IsType<MdataMalformed>(MdataCodec.Parse(line)).RequestId);

    [Fact]
    public void RequestIdMustBeHex()
    {
        MdataMalformed bad = Assert.IsType<MdataMalformed>(Parse(Frame($"zz!top GET {B64("x")}")));

        Assert.Null(bad.RequestId);
        Assert.Equal("FAILURE\n", MdataCodec.FormatMalformed(bad));
    }

    [Fact]
    public void NonAsciiBodyIsAnError() =>
        Assert.IsType<MdataMalformed>(MdataCodec.Parse($"V2 13 00000000 {Id} GÉT"));

    [Fact]
    public void NegotiateV2IsAcceptedAndOthersRefused()
    {
        Assert.Equal("V2_OK\n", MdataCodec.FormatNegotiate(Assert.IsType<MdataNegotiate>(MdataCodec.Parse("NEGOTIATE V2"))));
        Assert.Equal("FAILURE\n", MdataCodec.FormatNegotiate(Assert.IsType<MdataNegotiate>(MdataCodec.Parse("NEGOTIATE V3"))));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("GET")]
    public void NoCommandIsAnInvalidCommand(string line) =>
        Assert.Equal("invalid command\n", MdataCodec.FormatMalformed(Assert.IsType<MdataMalformed>(MdataCodec.Parse(line))));

    [Fact]
    public void LegacyGetAnswersWithDotStuffedLines()
    {
        MdataRequest get = Assert.IsType<MdataRequest>(MdataCodec.Parse("GET motd"));

        Assert.False(get.IsV2);
        Assert.Equal("SUCCESS\nhello\n..hidden\n.\n", MdataCodec.FormatReply(get, MdataReply.Ok("hello\n.hidden")));
        Assert.Equal("NOTFOUND\n", MdataCodec.FormatReply(get, MdataReply.NotFound));
    }

    [Fact]
    public void RepliesRoundTrip()
    {
        var request = new MdataRequest(MdataCommand.Get, "k", null, Id);

        string success = MdataCodec.FormatReply(request, MdataReply.Ok("a value\nwith lines"));
        string notFound = MdataCodec.FormatReply(request, MdataReply.NotFound);

        Assert.True(MdataCodec.TryDecodeReply(success, out string id, out MdataStatus status, out string? payload));
        Assert.Equal((Id, MdataStatus.Success, "a value\nwith lines"), (id, status, payload));
        Assert.Equal($"V2 17 {Crc32.Hex($"{Id} NOTFOUND")} {Id} NOTFOUND\n", notFound);
        Assert.False(MdataCodec.TryDecodeReply(success.Replace("SUCCESS", "SUCCEED"), out _, out _, out _));
    }
}
