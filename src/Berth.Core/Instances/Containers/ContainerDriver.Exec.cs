using Berth.Api.Contracts;
using Berth.Core.Host;

namespace Berth.Core.Instances.Containers;

public sealed partial class ContainerDriver
{
    /// <summary>Runs a command inside a running container (as zlogin does) and passes its exit code and output through.</summary>
    public async Task<ExecResult> ExecAsync(string uuid, IReadOnlyList<string> argv, string? stdin, CancellationToken ct = default)
    {
        CheckUuid(uuid);
        if (argv.Count == 0)
        {
            throw BerthException.Invalid("argv", "is empty");
        }

        ContainerStatus? status = await GetStatusAsync(uuid, ct).ConfigureAwait(false);
        if (status is not { Status: "running" })
        {
            throw new BerthException(ErrorKind.Conflict, $"Failed running `{CommandRunner.Quote(argv)}` in container {uuid}: it is {status?.Status ?? "not known to crun"}");
        }

        CommandResult result = await _crun.ExecAsync(uuid, argv, stdin, ct).ConfigureAwait(false);
        return new ExecResult { ExitCode = result.ExitCode, Stdout = result.Stdout, Stderr = result.Stderr };
    }
}
