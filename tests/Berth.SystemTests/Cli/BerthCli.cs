using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Berth.SystemTests.Cli;

/// <summary>What one run of the berth program gave: its exit code and both streams.</summary>
internal sealed record CliResult(IReadOnlyList<string> Args, int ExitCode, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The run, for an assertion message.</summary>
    public override string ToString() => $"berth {string.Join(' ', Args)} -> {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";

    /// <summary>Asserts exit 0 and parses stdout with Berth's own strict JSON contract (unknown fields fail).</summary>
    public T Json<T>(JsonTypeInfo<T> type)
    {
        Ok();
        return JsonSerializer.Deserialize(Stdout, type) ?? throw new InvalidOperationException($"null JSON from {this}");
    }

    public JsonElement JsonElement()
    {
        Ok();
        using JsonDocument doc = JsonDocument.Parse(Stdout);
        return doc.RootElement.Clone();
    }

    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, $"expected exit 0: {this}");
        return this;
    }
}

/// <summary>Runs the real berth program (berth.dll, built next to the tests) against a test berthd's socket.</summary>
internal sealed class BerthCli(string socket)
{
    private static readonly TimeSpan s_runLimit = TimeSpan.FromSeconds(60);

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "berth.dll");

    /// <summary>berth ARGS with the socket in $BERTH_SOCKET and an empty stdin.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithStdinAsync("", args);

    /// <summary>berth ARGS with the socket in $BERTH_SOCKET and stdin fed from the text, then closed.</summary>
    public async Task<CliResult> RunWithStdinAsync(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Dll);
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.Environment["BERTH_SOCKET"] = socket;
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException("Failed starting dotnet berth.dll");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // berth may leave before reading stdin (a usage error): its exit code tells.
        }

        using var limit = new CancellationTokenSource(s_runLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"berth {string.Join(' ', args)} did not finish within {s_runLimit.TotalSeconds} s");
        }

        return new CliResult(args, process.ExitCode, await stdout, await stderr);
    }
}
