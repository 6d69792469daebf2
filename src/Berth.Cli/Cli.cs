using System.CommandLine;
using Berth.Client;

namespace Berth.Cli;

/// <summary>The options every command takes and the one place a command's failure becomes an exit code.</summary>
public static class Cli
{
    public static readonly Option<string?> Socket = new("--socket")
    {
        Description = $"berthd's socket (default: ${BerthClient.SocketEnvironmentVariable}, else {BerthClient.DefaultSocketPath})",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json", "-j")
    {
        Description = "Print JSON (an array for lists) instead of a table",
        Recursive = true,
    };

    public static Command Command(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (Symbol symbol in symbols)
        {
            switch (symbol)
            {
                case Option o: command.Options.Add(o); break;
                case Argument a: command.Arguments.Add(a); break;
                case Command c: command.Subcommands.Add(c); break;
            }
        }

        return command;
    }

    /// <summary>Runs a command's body with a client; failures print "berth: ..." and give 1 (2 for usage).</summary>
    public static void OnRun(this Command command, Func<ParseResult, BerthClient, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                using var client = new BerthClient(parse.GetValue(Socket));
                return await action(parse, client, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("berth: interrupted");
                return ExitCodes.Failed;
            }
            catch (Exception e) when (e is BerthApiException or BerthUnreachableException or UsageException or IOException or InvalidDataException
                or UnauthorizedAccessException or System.Net.WebSockets.WebSocketException or System.Net.Http.HttpRequestException)
            {
                Output.Error(e);
                return ExitCodes.Of(e);
            }
        });

    /// <summary>The bytes of FILE, or of stdin for "-" (or no file when stdin is not a terminal).</summary>
    public static async Task<byte[]> ReadInputAsync(string? file, CancellationToken ct)
    {
        if (file is null && !Console.IsInputRedirected)
        {
            throw new UsageException("give the manifest with -f FILE, or -f - to read it from stdin");
        }

        if (file is null or "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            await stdin.CopyToAsync(buffer, ct);
            if (buffer.Length > 0)
            {
                return buffer.ToArray();
            }

            // Without -f nothing was given at all: a usage error (2); an empty "-f -" is a failed read (1).
            throw file is null
                ? new UsageException("nothing given: pipe the JSON in, or give -f FILE")
                : new IOException("stdin is empty: pipe the manifest in, or give -f FILE");
        }

        try
        {
            return await File.ReadAllBytesAsync(file, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Failed reading \"{file}\": {e.Message}", e);
        }
    }
}
