using System.CommandLine;

namespace Berth.Cli;

/// <summary><c>berth vm console ID</c>: the instance's console on this terminal; Ctrl-] detaches.</summary>
public static class VmConsoleCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };
        Command command = Cli.Command("console", "Attach to an instance's console (Ctrl-] detaches); without a terminal, pipes stdin and stdout", id);
        command.OnRun(async (parse, client, ct) =>
        {
            string name = parse.GetRequiredValue(id);
            using var socket = await client.ConnectConsoleAsync(name, ct);
            await ConsoleSession.RunAsync(socket, name, ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
