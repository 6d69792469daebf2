using System.Diagnostics;
using System.Text;

namespace Berth.Core.Host;

/// <summary>The outcome of an external command.</summary>
public sealed record CommandResult(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>A failed external command: carries its argv, exit code and stderr.</summary>
public sealed class CommandFailedException(CommandResult result)
    : Exception($"`{string.Join(' ', result.Argv)}` exited with {result.ExitCode}: {result.Stderr.Trim()}")
{
    public CommandResult Result { get; } = result;
}

/// <summary>Runs external programs; the one place Berth starts them.</summary>
public sealed class CommandRunner
{
    public static CommandRunner Default { get; } = new();

    /// <summary>Runs a program to completion and returns what it printed, whatever its exit code.</summary>
    public async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, string? stdin = null, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        List<string> argv = [file, .. psi.ArgumentList];
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            throw new CommandFailedException(new CommandResult(argv, -1, "", $"cannot start {file}: {e.Message}"));
        }

        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = new CommandResult(argv, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        CloseStreams(process);
        return result;
    }

    // Process.Dispose leaves the redirected pipes to the finalizer: a busy daemon would hold hundreds until a GC.
    private static void CloseStreams(Process process)
    {
        if (process.StartInfo.RedirectStandardInput)
        {
            try
            {
                process.StandardInput.Dispose();
            }
            catch (IOException)
            {
                // The program exited without reading all its input (it refused it): the pipe is closed all the same.
            }
        }

        if (process.StartInfo.RedirectStandardOutput)
        {
            process.StandardOutput.Dispose();
        }

        if (process.StartInfo.RedirectStandardError)
        {
            process.StandardError.Dispose();
        }
    }

    /// <summary>Runs a program and throws <see cref="CommandFailedException"/> unless it exits 0.</summary>
    public async Task<CommandResult> RunCheckedAsync(string file, IEnumerable<string> args, string? stdin = null, CancellationToken ct = default)
    {
        CommandResult result = await RunAsync(file, args, stdin, ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new CommandFailedException(result);
        }

        return result;
    }

    /// <summary>Runs a program with binary streams for its stdin and stdout (send/receive, tar); throws unless it exits 0.</summary>
    public async Task RunStreamingAsync(string file, IEnumerable<string> args, Stream? stdin, Stream? stdout, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = stdout is not null,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        List<string> argv = [file, .. psi.ArgumentList];
        using var process = Process.Start(psi) ?? throw new CommandFailedException(new CommandResult(argv, -1, "", $"cannot start {file}"));
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        Task output = stdout is null ? Task.CompletedTask : process.StandardOutput.BaseStream.CopyToAsync(stdout, ct);
        Task input = Task.CompletedTask;
        if (stdin is not null)
        {
            input = Task.Run(async () =>
            {
                try
                {
                    await stdin.CopyToAsync(process.StandardInput.BaseStream, ct).ConfigureAwait(false);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The program stopped reading (it failed): its exit code says why.
                }
            }, ct);
        }

        try
        {
            await Task.WhenAll(input, output).ConfigureAwait(false);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var result = new CommandResult(argv, process.ExitCode, "", await stderr.ConfigureAwait(false));
        CloseStreams(process);
        if (!result.Succeeded)
        {
            throw new CommandFailedException(result);
        }
    }

    /// <summary>An argv as one line for logs and messages.</summary>
    public static string Quote(IEnumerable<string> argv)
    {
        var sb = new StringBuilder();
        foreach (string a in argv)
        {
            sb.Append(sb.Length == 0 ? "" : " ").Append(a.Contains(' ') ? $"'{a}'" : a);
        }

        return sb.ToString();
    }
}
