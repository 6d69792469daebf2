using Berth.Api.Contracts;

namespace Berth.Client;

/// <summary>berthd answered with an error: the HTTP status and the RFC 7807 problem it sent.</summary>
public sealed class BerthApiException : Exception
{
    public BerthApiException(int status, Problem problem)
        : base(problem.Detail ?? problem.Title ?? $"berthd answered HTTP {status}")
    {
        Status = status;
        Problem = problem;
    }

    public int Status { get; }

    public Problem Problem { get; }

    /// <summary>The offending properties the daemon named, empty when it named none.</summary>
    public IReadOnlyList<PropertyError> Errors => Problem.Errors ?? [];
}

/// <summary>berthd could not be reached on its socket: not running, wrong socket, or no permission.</summary>
public sealed class BerthUnreachableException : Exception
{
    public BerthUnreachableException(string socketPath, Exception inner)
        : base($"cannot reach berthd at {socketPath}: is it running? ({inner.Message})", inner)
    {
        SocketPath = socketPath;
    }

    public string SocketPath { get; }
}
