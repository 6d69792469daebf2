using Berth.Api.Contracts;

namespace Berth.Core;

/// <summary>The small error taxonomy that the daemon maps to HTTP in one place.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    Conflict,
    PermissionDenied,
    Unavailable,
    Internal,
}

/// <summary>A failure that says what failed, keeps its cause and names the offending properties.</summary>
public class BerthException : Exception
{
    public BerthException(ErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Errors = [];
    }

    public BerthException(ErrorKind kind, string message, IReadOnlyList<PropertyError> errors)
        : base(message)
    {
        Kind = kind;
        Errors = errors;
    }

    public ErrorKind Kind { get; }

    public IReadOnlyList<PropertyError> Errors { get; }

    public static BerthException NotFound(string what) => new(ErrorKind.NotFound, what);

    public static BerthException Invalid(string property, string message) =>
        new(ErrorKind.InvalidArgument, $"{property}: {message}", [new PropertyError(property, message)]);
}
