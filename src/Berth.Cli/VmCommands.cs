using System.CommandLine;
using Berth.Api.Contracts;
using Berth.Client;

namespace Berth.Cli;

/// <summary><c>berth vm ...</c>: vmadm's verbs over the REST API.</summary>
public static class VmCommands
{
    private static Argument<string> Id() => new("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };

    private static Option<string?> File(string description) => new("--file", "-f") { Description = description };

    public static Command Build()
    {
        Command vm = Cli.Command("vm", "Create, inspect and drive instances (containers now, VMs later), as vmadm does",
            Create(), Validate(), VmListCommand.List(), VmListCommand.Lookup(), Get(), Start(), Stop(), Reboot(), Update(), Delete(),
            VmConsoleCommand.Build(), Exec(), Info(), VmEventsCommand.Build(), VmSendReceiveCommands.Send(), VmSendReceiveCommands.Receive());
        foreach (Command snapshots in VmSnapshotCommands.Build())
        {
            vm.Subcommands.Add(snapshots);
        }

        return vm;
    }

    private static Command Create()
    {
        Option<string?> file = File("The manifest JSON; - reads stdin");
        Command command = Cli.Command("create", "Create an instance from a manifest and wait until it runs (or is stopped, with autoboot false); prints its UUID", file);
        command.OnRun(async (parse, client, ct) =>
        {
            byte[] manifest = await Cli.ReadInputAsync(parse.GetValue(file), ct);
            Manifest created = await client.CreateVmAsync(manifest, ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(created, BerthJson.Default.Manifest);
            }
            else
            {
                Console.Out.WriteLine(created.Uuid);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Validate()
    {
        Option<string?> file = File("The manifest JSON; - reads stdin");
        Command command = Cli.Command("validate", "Check a manifest without creating anything: prints \"valid\", or each error as property: message (exit 1)", file);
        command.OnRun(async (parse, client, ct) =>
        {
            byte[] manifest = await Cli.ReadInputAsync(parse.GetValue(file), ct);
            try
            {
                ValidateResult result = await client.ValidateVmAsync(manifest, ct);
                if (parse.GetValue(Cli.Json))
                {
                    Output.Json(result, BerthJson.Default.ValidateResult);
                }
                else
                {
                    Console.Out.WriteLine("valid");
                }

                return ExitCodes.Ok;
            }
            catch (BerthApiException e) when (e.Status == 400)
            {
                if (parse.GetValue(Cli.Json))
                {
                    Output.Json(e.Problem, BerthJson.Default.Problem);
                }
                else
                {
                    foreach (string line in ValidationLines(e.Problem))
                    {
                        Console.Out.WriteLine(line);
                    }
                }

                return ExitCodes.Failed;
            }
        });
        return command;
    }

    /// <summary>The lines of a failed validation: each offending property as "property: message", or the detail alone.</summary>
    public static IReadOnlyList<string> ValidationLines(Problem problem) =>
        problem.Errors is { Count: > 0 } errors
            ? [.. errors.Select(e => string.IsNullOrEmpty(e.Property) ? e.Message : $"{e.Property}: {e.Message}")]
            : [problem.Detail ?? problem.Title ?? "invalid"];

    private static Command Get()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("get", "Print an instance's manifest as JSON (always JSON, as vmadm get)", id);
        command.OnRun(async (parse, client, ct) =>
        {
            Output.Json(await client.GetVmAsync(parse.GetRequiredValue(id), ct), BerthJson.Default.Manifest);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Start()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("start", "Start a stopped instance", id);
        command.Aliases.Add("boot");
        command.OnRun((parse, client, ct) => Lifecycle(parse, "started", client.StartVmAsync(parse.GetRequiredValue(id), ct)));
        return command;
    }

    private static Command Stop()
    {
        Argument<string> id = Id();
        var force = new Option<bool>("--force", "-F") { Description = "Kill at once instead of asking init to stop" };
        var timeout = new Option<int?>("--timeout", "-t") { Description = "Seconds to wait for init before killing (default 60)" };
        Command command = Cli.Command("stop", "Stop an instance the way its init expects, killing it after the timeout", id, force, timeout);
        command.Aliases.Add("halt");
        command.OnRun((parse, client, ct) =>
        {
            int? seconds = parse.GetValue(timeout);
            if (seconds is < 0)
            {
                throw new UsageException("-t needs a number of seconds, 0 or more");
            }

            var stop = new StopRequest { Force = parse.GetValue(force) ? true : null, Timeout = seconds };
            return Lifecycle(parse, "stopped", client.StopVmAsync(parse.GetRequiredValue(id), stop, ct));
        });
        return command;
    }

    private static Command Reboot()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("reboot", "Stop and start an instance", id);
        command.OnRun((parse, client, ct) => Lifecycle(parse, "rebooted", client.RebootVmAsync(parse.GetRequiredValue(id), ct)));
        return command;
    }

    private static async Task<int> Lifecycle(ParseResult parse, string verb, Task<Manifest> call)
    {
        Manifest manifest = await call;
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(manifest, BerthJson.Default.Manifest);
        }
        else
        {
            Output.Note($"Successfully {verb} VM {manifest.Uuid}");
        }

        return ExitCodes.Ok;
    }

    private static Command Update()
    {
        Argument<string> id = Id();
        Option<string?> file = File("A JSON object of the properties to change; - reads stdin");
        var assignments = new Argument<string[]>("prop=value") { Description = "Properties to change: integers become numbers, true/false booleans, [..] or {..} JSON, else strings", Arity = ArgumentArity.ZeroOrMore };
        Command command = Cli.Command("update", "Change properties of an instance; prints those that take effect only after a restart", id, file, assignments);
        command.OnRun(async (parse, client, ct) =>
        {
            string[] props = parse.GetValue(assignments) ?? [];
            string? path = parse.GetValue(file);
            if (path is not null && props.Length > 0)
            {
                throw new UsageException("give either -f FILE or prop=value ..., not both");
            }

            byte[] body = props.Length > 0 ? PropertyArgs.ToJson(props) : await Cli.ReadInputAsync(path, ct);
            UpdateResult result = await client.UpdateVmAsync(parse.GetRequiredValue(id), body, ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(result, BerthJson.Default.UpdateResult);
            }
            else
            {
                Output.Note($"Successfully updated VM {result.Manifest.Uuid}");
                if (result.RestartRequired.Count > 0)
                {
                    Console.Out.WriteLine($"restart required for: {string.Join(", ", result.RestartRequired)}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("delete", "Delete an instance, stopping it first when it runs", id);
        command.Aliases.Add("destroy");
        command.Aliases.Add("rm");
        command.OnRun(async (parse, client, ct) =>
        {
            string name = parse.GetRequiredValue(id);
            await client.DeleteVmAsync(name, ct);
            Output.Note($"Successfully deleted VM {name}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Exec()
    {
        Argument<string> id = Id();
        var argv = new Argument<string[]>("COMMAND") { Description = "The command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var stdin = new Option<bool>("--stdin", "-i") { Description = "Pass this process's stdin to the command" };
        Command command = Cli.Command("exec", "Run a command inside an instance (as zlogin): prints its output and exits with its exit code", id, stdin, argv);
        command.OnRun(async (parse, client, ct) =>
        {
            string? input = null;
            if (parse.GetValue(stdin))
            {
                input = await Console.In.ReadToEndAsync(ct);
            }

            var request = new ExecRequest { Argv = [.. parse.GetRequiredValue(argv)], Stdin = input };
            ExecResult result = await client.ExecAsync(parse.GetRequiredValue(id), request, ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(result, BerthJson.Default.ExecResult);
            }
            else
            {
                Console.Out.Write(result.Stdout);
                Console.Error.Write(result.Stderr);
            }

            return result.ExitCode;
        });
        return command;
    }

    private static Command Info()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("info", "Print runtime facts about an instance as JSON", id);
        command.OnRun(async (parse, client, ct) =>
        {
            Output.Json(await client.GetVmInfoAsync(parse.GetRequiredValue(id), ct));
            return ExitCodes.Ok;
        });
        return command;
    }
}
