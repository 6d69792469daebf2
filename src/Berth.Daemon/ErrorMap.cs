using Berth.Api.Contracts;
using Berth.Core;
using Berth.Core.Host;

namespace Berth.Daemon;

/// <summary>The one place errors become HTTP: RFC 7807 problem+json naming the offending properties.</summary>
internal static class ErrorMap
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.AlreadyExists => StatusCodes.Status409Conflict,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PermissionDenied => StatusCodes.Status403Forbidden,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static Problem ToProblem(Exception e)
    {
        (ErrorKind kind, string detail, List<PropertyError>? errors) = e switch
        {
            BerthException b => ((ErrorKind, string, List<PropertyError>?))(b.Kind, Describe(b), b.Errors.Count > 0 ? [.. b.Errors] : null),
            CommandFailedException c => (ErrorKind.Internal, c.Message, null),
            System.Text.Json.JsonException j => (ErrorKind.InvalidArgument, $"the body is not valid JSON: {j.Message}", null),
            BadHttpRequestException h => (ErrorKind.InvalidArgument, h.Message, null),
            _ => (ErrorKind.Internal, e.Message, null),
        };
        int status = StatusOf(kind);
        return new Problem
        {
            Type = "about:blank",
            Title = kind.ToString(),
            Status = status,
            Detail = detail,
            Kind = kind.ToString(),
            Errors = errors,
        };
    }

    /// <summary>The message with its causes, so a failure keeps what caused it.</summary>
    private static string Describe(Exception e)
    {
        string text = e.Message;
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal))
            {
                text += $": {inner.Message}";
            }
        }

        return text;
    }

    public static async Task WriteAsync(HttpContext context, Exception e)
    {
        Problem problem = ToProblem(e);
        context.Response.StatusCode = problem.Status!.Value;
        context.Response.ContentType = "application/problem+json";
        await System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, problem, BerthJson.Default.Problem).ConfigureAwait(false);
    }

    /// <summary>Gives a bodyless error status from the framework (404 route, 405, 415) a problem body too.</summary>
    public static Task WriteStatusAsync(HttpContext context)
    {
        int status = context.Response.StatusCode;
        string detail = status switch
        {
            StatusCodes.Status404NotFound => $"no such resource: {context.Request.Method} {context.Request.Path}",
            StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}",
            StatusCodes.Status415UnsupportedMediaType => "send the body as application/json",
            _ => $"HTTP {status}",
        };
        var problem = new Problem { Type = "about:blank", Title = status == 404 ? nameof(ErrorKind.NotFound) : nameof(ErrorKind.InvalidArgument), Status = status, Detail = detail };
        context.Response.ContentType = "application/problem+json";
        return System.Text.Json.JsonSerializer.SerializeAsync(context.Response.Body, problem, BerthJson.Default.Problem);
    }
}
