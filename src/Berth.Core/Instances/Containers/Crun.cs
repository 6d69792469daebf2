using System.Text.Json;
using Berth.Core.Host;

namespace Berth.Core.Instances.Containers;

/// <summary>crun, one method per verb, with this daemon's private state root.</summary>
internal sealed class Crun(CommandRunner runner, string root)
{
    public const string Binary = "/usr/bin/crun";

    public string Root { get; } = root;

    public string RootArg => $"--root={Root}";

    public Task StartAsync(string id, CancellationToken ct = default) =>
        runner.RunCheckedAsync(Binary, [RootArg, "start", id], ct: ct);

    public Task KillAsync(string id, string signal, CancellationToken ct = default) =>
        runner.RunCheckedAsync(Binary, [RootArg, "kill", id, signal], ct: ct);

    /// <summary>crun delete -f; a container crun does not know is not an error.</summary>
    public async Task DeleteAsync(string id, CancellationToken ct = default)
    {
        if (!Known(id))
        {
            return;
        }

        CommandResult result = await runner.RunAsync(Binary, [RootArg, "delete", "-f", id], ct: ct).ConfigureAwait(false);
        if (!result.Succeeded && !IsMissing(result))
        {
            throw new CommandFailedException(result);
        }
    }

    /// <summary>crun state, or null when crun does not know the container.</summary>
    public async Task<ContainerStatus?> StateAsync(string id, CancellationToken ct = default)
    {
        if (!Known(id))
        {
            return null;
        }

        CommandResult result = await runner.RunAsync(Binary, [RootArg, "state", id], ct: ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return IsMissing(result) ? null : throw new CommandFailedException(result);
        }

        using var doc = JsonDocument.Parse(result.Stdout);
        JsonElement state = doc.RootElement;
        return new ContainerStatus(
            state.GetProperty("status").GetString() ?? "unknown",
            state.TryGetProperty("pid", out JsonElement pid) ? pid.GetInt32() : 0);
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken ct = default)
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        CommandResult result = await runner.RunCheckedAsync(Binary, [RootArg, "list", "-q"], ct: ct).ConfigureAwait(false);
        return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    public Task<CommandResult> ExecAsync(string id, IReadOnlyList<string> argv, string? stdin, CancellationToken ct = default) =>
        runner.RunAsync(Binary, [RootArg, "exec", id, .. argv], stdin ?? "", ct);

    // crun keeps a directory per container under its root: looking costs no process (a reconcile of 500 stopped instances).
    private bool Known(string id) => Directory.Exists(Path.Combine(Root, id));

    private static bool IsMissing(CommandResult result) =>
        result.Stderr.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
        || result.Stderr.Contains("No such file or directory", StringComparison.OrdinalIgnoreCase);
}
