namespace Berth.Core.Metadata;

/// <summary>The operations a guest asks of the metadata service.</summary>
public enum MdataCommand
{
    Get,
    Keys,
    Put,
    Delete,
}

/// <summary>How the service answered: the three codes of the protocol.</summary>
public enum MdataStatus
{
    Success,
    NotFound,
    Failure,
}

/// <summary>One line a guest sent, as the codec understood it.</summary>
public abstract record MdataLine;

/// <summary>A well-formed request.</summary>
/// <param name="Command">the operation</param>
/// <param name="Key">the key of GET, PUT and DELETE; null for KEYS</param>
/// <param name="Value">the value of PUT; null otherwise</param>
/// <param name="RequestId">the V2 request id to echo; null for a legacy (V1) request</param>
public sealed record MdataRequest(MdataCommand Command, string? Key, string? Value, string? RequestId) : MdataLine
{
    public bool IsV2 => RequestId is not null;

    public bool Writes => Command is MdataCommand.Put or MdataCommand.Delete;
}

/// <summary>"NEGOTIATE &lt;version&gt;": the client asks for a protocol version.</summary>
public sealed record MdataNegotiate(string Version) : MdataLine;

/// <summary>A line the service cannot act on; answered with an error, never acted on.</summary>
/// <param name="RequestId">the request id when the frame got far enough to name one, so the error reaches its caller</param>
/// <param name="Error">what was wrong, sent back to the guest</param>
/// <param name="InvalidCommand">a line that is no command at all (the protocol's "invalid command" answer)</param>
public sealed record MdataMalformed(string? RequestId, string Error, bool InvalidCommand = false) : MdataLine;

/// <summary>The service's answer to a request.</summary>
public sealed record MdataReply(MdataStatus Status, string? Payload = null)
{
    public static MdataReply NotFound { get; } = new(MdataStatus.NotFound);

    public static MdataReply Ok(string value) => new(MdataStatus.Success, value);

    public static MdataReply Fail(string message) => new(MdataStatus.Failure, message);
}
