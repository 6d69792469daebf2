using System.CommandLine;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth vm list</c> and <c>berth vm lookup</c>, with vmadm's options.</summary>
public static class VmListCommand
{
    private static Argument<string[]> Filters() => new("field=value")
    {
        Description = "Only instances whose field (a manifest property, type, ram or a dotted path like nics.0.ip) equals value; field=~regex matches",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Command List()
    {
        var columns = new Option<string?>("-o") { Description = "Comma-separated columns: manifest properties, type, ram or dotted paths (default uuid,type,ram,state,alias)" };
        var sort = new Option<string?>("-s") { Description = "Comma-separated sort columns, a leading - for descending (default ram,uuid)" };
        var parsable = new Option<bool>("-p") { Description = "Parsable output: fields separated by ':', no header" };
        var noHeader = new Option<bool>("-H") { Description = "Do not print the header" };
        Argument<string[]> filters = Filters();
        Command command = Cli.Command("list", "List instances as a table (-j: a JSON array of manifests)", columns, sort, parsable, noHeader, filters);
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            IReadOnlyList<string> cols = VmList.ParseColumns(parse.GetValue(columns));
            IReadOnlyList<SortKey> keys = VmList.ParseSort(parse.GetValue(sort));
            IReadOnlyList<ListFilter> where = VmList.ParseFilters(parse.GetValue(filters) ?? []);
            List<Manifest> selected = VmList.Select(await client.ListVmsAsync(ct: ct), where, keys);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(selected, BerthJson.Default.ListManifest);
            }
            else
            {
                Output.Table([.. cols.Select(VmList.Header)], VmList.Rows(selected, cols), header: !parse.GetValue(noHeader), parsable: parse.GetValue(parsable));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Lookup()
    {
        var one = new Option<bool>("-1") { Description = "Fail unless exactly one instance matches" };
        Argument<string[]> filters = Filters();
        Command command = Cli.Command("lookup", "Print the UUIDs of the instances that match (-j: their manifests)", one, filters);
        command.OnRun(async (parse, client, ct) =>
        {
            IReadOnlyList<ListFilter> where = VmList.ParseFilters(parse.GetValue(filters) ?? []);
            List<Manifest> selected = VmList.Select(await client.ListVmsAsync(ct: ct), where, [new SortKey("uuid", false)]);
            if (parse.GetValue(one) && selected.Count != 1)
            {
                Output.Note($"berth: {selected.Count} instances match, not exactly one");
                return ExitCodes.Failed;
            }

            if (parse.GetValue(Cli.Json))
            {
                Output.Json(selected, BerthJson.Default.ListManifest);
            }
            else
            {
                foreach (Manifest m in selected)
                {
                    Console.Out.WriteLine(m.Uuid);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
