using System.Globalization;
using System.Text;

namespace Berth.Core.Metadata;

/// <summary>
/// The SmartOS metadata protocol on the wire, transport-free: one request per line, either a V2 frame
/// (<c>V2 &lt;body length&gt; &lt;crc32 hex&gt; &lt;request id&gt; &lt;COMMAND&gt; [&lt;base64 payload&gt;]</c>, after
/// <c>NEGOTIATE V2</c>) or a legacy V1 line (<c>GET key</c>, <c>KEYS</c>). Parsing never throws: bad input becomes
/// <see cref="MdataMalformed"/>, which is answered with an error.
/// </summary>
public static class MdataCodec
{
    /// <summary>The answer to "NEGOTIATE V2".</summary>
    public const string NegotiateOk = "V2_OK\n";

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses one line (without its newline).</summary>
    public static MdataLine Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return new MdataMalformed(null, "empty line", InvalidCommand: true);
        }

        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string head = space < 0 ? line : line[..space];
        string rest = space < 0 ? "" : line[(space + 1)..];
        switch (head)
        {
            case "V2":
                return ParseV2(rest);
            case "NEGOTIATE" when rest.Trim().Length > 0:
                return new MdataNegotiate(rest.Trim());
            case "GET" when rest.Trim().Length > 0:
                return new MdataRequest(MdataCommand.Get, rest.Trim(), null, null);
            case "KEYS":
                return new MdataRequest(MdataCommand.Keys, null, null, null);
            case "NEGOTIATE" or "GET":
                return new MdataMalformed(null, $"{head} needs an argument", InvalidCommand: true);
            default:
                return new MdataMalformed(null, $"unknown command \"{Printable(head)}\" (V1 knows GET and KEYS; NEGOTIATE V2 for more)");
        }
    }

    /// <summary>The text the service sends back for a request it acted on.</summary>
    public static string FormatReply(MdataRequest request, MdataReply reply)
    {
        if (request.RequestId is { } id)
        {
            return Frame(id, Code(reply.Status), reply.Payload);
        }

        return reply.Status switch
        {
            // V1 ends a value with a lone "." line, so a line of the value that starts with "." gets another.
            MdataStatus.Success => "SUCCESS\n" + DotStuff(reply.Payload ?? "") + "\n.\n",
            MdataStatus.NotFound => "NOTFOUND\n",
            _ => "FAILURE\n",
        };
    }

    public static string FormatNegotiate(MdataNegotiate negotiate) => negotiate.Version == "V2" ? NegotiateOk : "FAILURE\n";

    /// <summary>The answer to a line the service could not act on: a V2 FAILURE frame when the request id is known.</summary>
    public static string FormatMalformed(MdataMalformed malformed) =>
        malformed.RequestId is { } id ? Frame(id, "FAILURE", malformed.Error)
        : malformed.InvalidCommand ? "invalid command\n"
        : "FAILURE\n";

    /// <summary>A V2 frame as a client sends it: the argument is base64-encoded into the payload.</summary>
    public static string EncodeRequest(string requestId, string command, string? argument) =>
        Frame(requestId, command, argument);

    /// <summary>A V2 PUT as a client sends it: key and value each base64-encoded, the pair encoded again as the payload.</summary>
    public static string EncodePut(string requestId, string key, string value) =>
        Frame(requestId, "PUT", $"{Base64(key)} {Base64(value)}");

    /// <summary>Reads a V2 reply frame (as a client does), checking its length and checksum.</summary>
    public static bool TryDecodeReply(string line, out string requestId, out MdataStatus status, out string? payload)
    {
        requestId = "";
        status = MdataStatus.Failure;
        payload = null;
        string[] parts = line.TrimEnd('\n').Split(' ', 4);
        if (parts.Length != 4 || parts[0] != "V2" || !CheckFrame(parts[1], parts[2], parts[3]))
        {
            return false;
        }

        string[] body = parts[3].Split(' ');
        requestId = body[0];
        MdataStatus? code = body.Length >= 2 ? body[1] switch
        {
            "SUCCESS" => MdataStatus.Success,
            "NOTFOUND" => MdataStatus.NotFound,
            "FAILURE" => MdataStatus.Failure,
            _ => null,
        } : null;
        if (code is null || body.Length > 3 || (body.Length == 3 && !TryDecodeBase64(body[2], out payload)))
        {
            return false;
        }

        status = code.Value;
        return true;
    }

    private static MdataLine ParseV2(string rest)
    {
        string[] parts = rest.Split(' ', 3);
        if (parts.Length < 3)
        {
            return new MdataMalformed(null, "a V2 frame is \"V2 <length> <crc32> <request id> <command> [<payload>]\"");
        }

        string body = parts[2];
        string[] fields = body.Split(' ');
        string? id = IsRequestId(fields[0]) ? fields[0] : null;
        if (!body.All(char.IsAscii))
        {
            return new MdataMalformed(id, "the frame body is not ASCII");
        }

        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length != body.Length)
        {
            return new MdataMalformed(id, $"the frame length \"{Printable(parts[0])}\" is not the body's {body.Length} bytes");
        }

        if (!uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint crc) || parts[1].Length > 8)
        {
            return new MdataMalformed(id, $"the checksum \"{Printable(parts[1])}\" is not 8 hex digits");
        }

        uint actual = Crc32.Compute(Encoding.ASCII.GetBytes(body));
        if (crc != actual)
        {
            return new MdataMalformed(id, $"the checksum {parts[1]} does not match the body's {actual:x8}");
        }

        if (id is null)
        {
            return new MdataMalformed(null, $"the request id \"{Printable(fields[0])}\" is not 1-16 hex digits");
        }

        if (fields.Length is < 2 or > 3)
        {
            return new MdataMalformed(id, "the body is \"<request id> <command> [<base64 payload>]\"");
        }

        return ParseCommand(id, fields[1], fields.Length == 3 ? fields[2] : null);
    }

    private static MdataLine ParseCommand(string id, string command, string? payload)
    {
        if (command is not ("GET" or "KEYS" or "PUT" or "DELETE"))
        {
            return new MdataMalformed(id, $"unknown command \"{Printable(command)}\" (GET, KEYS, PUT and DELETE are known)");
        }

        if (command == "KEYS")
        {
            return new MdataRequest(MdataCommand.Keys, null, null, id);
        }

        if (payload is null || !TryDecodeBase64(payload, out string? argument))
        {
            return new MdataMalformed(id, $"{command} needs a payload of base64-encoded UTF-8");
        }

        if (command != "PUT")
        {
            string key = argument.Trim();
            return key.Length == 0
                ? new MdataMalformed(id, $"{command} needs a key")
                : new MdataRequest(command == "GET" ? MdataCommand.Get : MdataCommand.Delete, key, null, id);
        }

        // PUT's payload is "<base64 key> <base64 value>" (encoded once more as the frame payload).
        string[] pair = argument.Split(' ');
        if (pair.Length != 2 || !TryDecodeBase64(pair[0], out string? putKey) || !TryDecodeBase64(pair[1], out string? value)
            || putKey.Trim().Length == 0)
        {
            return new MdataMalformed(id, "PUT needs a payload of \"<base64 key> <base64 value>\"");
        }

        return new MdataRequest(MdataCommand.Put, putKey.Trim(), value, id);
    }

    private static string Frame(string requestId, string code, string? payload)
    {
        string body = string.IsNullOrEmpty(payload) ? $"{requestId} {code}" : $"{requestId} {code} {Base64(payload)}";
        return $"V2 {body.Length.ToString(CultureInfo.InvariantCulture)} {Crc32.Hex(body)} {body}\n";
    }

    private static bool CheckFrame(string length, string crc, string body) =>
        int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n == body.Length && body.All(char.IsAscii)
        && uint.TryParse(crc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint c)
        && c == Crc32.Compute(Encoding.ASCII.GetBytes(body));

    private static string Code(MdataStatus status) => status switch
    {
        MdataStatus.Success => "SUCCESS",
        MdataStatus.NotFound => "NOTFOUND",
        _ => "FAILURE",
    };

    private static bool IsRequestId(string text) => text.Length is >= 1 and <= 16 && text.All(char.IsAsciiHexDigit);

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static bool TryDecodeBase64(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? decoded)
    {
        decoded = null;
        // Convert skips whitespace inside base64; the protocol has none there, so only the alphabet is accepted.
        if (text.Length % 4 != 0 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
        {
            return false;
        }

        byte[] bytes = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64String(text, bytes, out int written))
        {
            return false;
        }

        try
        {
            decoded = s_strictUtf8.GetString(bytes, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string DotStuff(string value) =>
        string.Join('\n', value.Split('\n').Select(l => l.StartsWith('.') ? "." + l : l));

    // Error texts quote what the guest sent: keep them short and printable.
    private static string Printable(string text)
    {
        string cut = text.Length > 40 ? text[..40] + "..." : text;
        return new string([.. cut.Select(c => char.IsControl(c) || !char.IsAscii(c) ? '?' : c)]);
    }
}
