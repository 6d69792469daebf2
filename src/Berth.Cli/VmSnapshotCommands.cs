using System.CommandLine;
using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth vm snapshot create|list|rollback|delete</c>, and vmadm's create-snapshot, rollback-snapshot, delete-snapshot.</summary>
public static class VmSnapshotCommands
{
    private static Argument<string> Id() => new("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };

    private static Argument<string> SnapshotName() => new("NAME") { Description = "The snapshot's name: 1-64 of A-Z a-z 0-9 _ . : -" };

    /// <summary>The <c>snapshot</c> group and vmadm's flat verbs, to add under <c>vm</c>.</summary>
    public static IReadOnlyList<Command> Build() =>
    [
        Cli.Command("snapshot", "Named snapshots of an instance's files; a rollback keeps every snapshot and saves the state it replaces",
            Create("create"), List(), Rollback("rollback"), Delete("delete")),
        Create("create-snapshot"),
        Rollback("rollback-snapshot"),
        Delete("delete-snapshot"),
    ];

    private static Command Create(string verb)
    {
        Argument<string> id = Id();
        Argument<string> name = SnapshotName();
        Command command = Cli.Command(verb, "Take a snapshot (a running container is frozen for the moment it takes)", id, name);
        command.OnRun(async (parse, client, ct) =>
        {
            Snapshot snapshot = await client.CreateSnapshotAsync(parse.GetRequiredValue(id), parse.GetRequiredValue(name), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(snapshot, BerthJson.Default.Snapshot);
            }
            else
            {
                Output.Note($"Created snapshot {snapshot.Name} of VM {parse.GetRequiredValue(id)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        Argument<string> id = Id();
        Command command = Cli.Command("list", "List an instance's snapshots, oldest first", id);
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            List<Snapshot> snapshots = await client.ListSnapshotsAsync(parse.GetRequiredValue(id), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(snapshots, BerthJson.Default.ListSnapshot);
            }
            else
            {
                Output.Table(["NAME", "CREATED", "EXCLUSIVE"], [.. snapshots.Select(Row)]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback(string verb)
    {
        Argument<string> id = Id();
        Argument<string> name = SnapshotName();
        Command command = Cli.Command(verb,
            "Roll back to a snapshot; the state before is saved as a snapshot first, and a running instance is stopped and started again", id, name);
        command.OnRun(async (parse, client, ct) =>
        {
            string snapshot = parse.GetRequiredValue(name);
            RollbackResult result = await client.RollbackSnapshotAsync(parse.GetRequiredValue(id), snapshot, ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(result, BerthJson.Default.RollbackResult);
            }
            else
            {
                Output.Note(RollbackNote(result, snapshot));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What a rollback did, in words: whether it restarted the instance, and where the state before went.</summary>
    public static string RollbackNote(RollbackResult result, string snapshot)
    {
        string what = result.Restarted
            ? $"VM {result.Manifest.Uuid} stopped, rolled back and started again (to snapshot {snapshot})"
            : $"Successfully rolled back VM {result.Manifest.Uuid} to snapshot {snapshot}";
        return $"{what}; the state before is saved as snapshot {result.SavedAs}";
    }

    private static Command Delete(string verb)
    {
        Argument<string> id = Id();
        Argument<string> name = SnapshotName();
        Command command = Cli.Command(verb, "Delete a snapshot", id, name);
        command.Aliases.Add(verb == "delete" ? "rm" : "destroy-snapshot");
        command.OnRun(async (parse, client, ct) =>
        {
            string snapshot = parse.GetRequiredValue(name);
            await client.DeleteSnapshotAsync(parse.GetRequiredValue(id), snapshot, ct);
            Output.Note($"Deleted snapshot {snapshot} of VM {parse.GetRequiredValue(id)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string[] Row(Snapshot s) =>
    [
        s.Name,
        s.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        s.ExclusiveBytes is { } bytes ? Sizes.Format(bytes) : "-",
    ];
}
