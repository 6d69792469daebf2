using System.CommandLine;

namespace Berth.Cli;

/// <summary>The <c>berth</c> command tree.</summary>
public static class BerthCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("berth: containers and VMs from one manifest, driven through berthd (vmadm's verbs)");
        root.Options.Add(Cli.Socket);
        root.Options.Add(Cli.Json);
        root.Subcommands.Add(VmCommands.Build());
        root.Subcommands.Add(ImageCommands.Build());
        root.Subcommands.Add(PoolCommands.Build());
        root.Subcommands.Add(NetworkCommands.Build());
        root.Subcommands.Add(FwCommands.Build());
        root.Subcommands.Add(SysinfoCommand.Build());
        root.Subcommands.Add(StatCommand.Build());
        root.Subcommands.Add(TopCommand.Build());
        root.Subcommands.Add(SvcsCommands.Svcs());
        root.Subcommands.Add(SvcsCommands.Svcadm());
        return root;
    }

    /// <summary>"berth vm list" for the list command: how to name it in a hint.</summary>
    public static string PathOf(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c is RootCommand ? "berth" : c.Name);
        }

        return string.Join(' ', names);
    }
}
