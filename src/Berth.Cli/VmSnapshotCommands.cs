using System.CommandLine;
using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth vm snapshot create|list|rollback|delete</c>, with vmadm's create-snapshot, rollback-snapshot and delete-snapshot.</summary>
public static class VmSnapshotCommands
{
    private static Argument<string> Id() => new("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };

    private static Argument<string> Name() => new("NAME") { Description = "The snapshot's name (letters, digits, _ . : -)" };

    /// <summary>The snapshot group and vmadm's flat verbs, all for the vm command.</summary>
    public static IEnumerable<Command> All()
    {
        Command group = Cli.Command("snapshot", "Snapshots of an instance: history is kept, and a rollback can itself be rolled back",
            Create("create"), List(), Rollback("rollback"), Delete("delete"));
        return [group, Create("create-snapshot"), Rollback("rollback-snapshot"), Delete("delete-snapshot")];
    }

    private static Command Create(string verb)
    {
        Argument<string> id = Id(), name = Name();
        Command command = Cli.Command(verb, "Snapshot an instance (a running container is frozen for the instant of the snapshot)", id, name);
        command.OnRun(async (parse, client, ct) =>
        {
            Snapshot snapshot = await client.CreateSnapshotAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(name), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(snapshot, BerthJson.Default.Snapshot);
            }
            else
            {
                Output.Note($"Created snapshot {snapshot.Name}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("list", "List an instance's snapshots, oldest first", id);
        command.OnRun(async (parse, client, ct) =>
        {
            List<Snapshot> snapshots = await client.ListSnapshotsAsync(parse.GetRequiredValue(id), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(snapshots, BerthJson.Default.ListSnapshot);
            }
            else
            {
                Output.Table(["NAME", "CREATED"], [.. snapshots.Select(s => new[] { s.Name, s.CreatedAt.ToString("u", CultureInfo.InvariantCulture) })]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback(string verb)
    {
        Argument<string> id = Id(), name = Name();
        Command command = Cli.Command(verb,
            "Roll an instance back to a snapshot; newer snapshots stay and the state before is saved as a snapshot. A running instance is stopped and started again",
            id, name);
        command.OnRun(async (parse, client, ct) =>
        {
            RollbackResult result = await client.RollbackSnapshotAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(name), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(result, BerthJson.Default.RollbackResult);
            }
            else
            {
                Output.Note(result.Restarted
                    ? $"Stopped, rolled back to {parse.GetRequiredValue(name)} and started again; the state before is snapshot {result.SavedAs}"
                    : $"Rolled back to {parse.GetRequiredValue(name)}; the state before is snapshot {result.SavedAs}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(string verb)
    {
        Argument<string> id = Id(), name = Name();
        Command command = Cli.Command(verb, "Delete one snapshot of an instance", id, name);
        command.OnRun(async (parse, client, ct) =>
        {
            await client.DeleteSnapshotAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(name), ct);
            Output.Note($"Deleted snapshot {parse.GetRequiredValue(name)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
