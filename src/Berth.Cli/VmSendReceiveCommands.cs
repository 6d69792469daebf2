using System.CommandLine;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth vm send ID &gt; file</c> and <c>berth vm receive &lt; file</c>: an instance as one stream, for backups and moves.</summary>
public static class VmSendReceiveCommands
{
    public static Command Send()
    {
        var id = new Argument<string>("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };
        var from = new Option<string?>("--from") { Description = "Send only the changes since this snapshot (the receiver must have it)" };
        Command command = Cli.Command("send",
            "Write an instance (stopped or running) as one self-describing stream to stdout; keeps the snapshot it sends (send-<time>) as the base of the next --from",
            id, from);
        command.OnRun(async (parse, client, ct) =>
        {
            if (!Console.IsOutputRedirected)
            {
                throw new UsageException("a send stream is binary: redirect stdout to a file or a pipe (berth vm send ID > FILE)");
            }

            await using Stream stdout = Console.OpenStandardOutput();
            await client.SendVmAsync(parse.GetRequiredValue(id), stdout, parse.GetValue(from), ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Receive()
    {
        var zpool = new Option<string?>("--zpool") { Description = "The pool to receive onto (default: the one the manifest names)" };
        var newUuid = new Option<bool>("--new-uuid") { Description = "Give the instance a new UUID (a copy beside the original)" };
        Command command = Cli.Command("receive",
            "Recreate an instance, stopped, from a send stream on stdin; prints its UUID. A truncated or corrupt stream is refused and leaves nothing",
            zpool, newUuid);
        command.OnRun(async (parse, client, ct) =>
        {
            if (!Console.IsInputRedirected)
            {
                throw new UsageException("pipe a send stream in: berth vm receive < FILE");
            }

            await using Stream stdin = Console.OpenStandardInput();
            Manifest received = await client.ReceiveVmAsync(stdin, parse.GetValue(zpool), parse.GetValue(newUuid), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(received, BerthJson.Default.Manifest);
            }
            else
            {
                Console.Out.WriteLine(received.Uuid);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
