using System.CommandLine;
using Berth.Api.Contracts;
using Berth.Client;
using Spectre.Console;

namespace Berth.Cli;

/// <summary><c>berth stat</c>: every instance's resource use, one row each, refreshed like zonestat.</summary>
public static class StatCommand
{
    public static Command Build()
    {
        var ids = new Argument<string[]>("ID") { Description = "Only these instances (UUID, unique prefix or alias); default all", Arity = ArgumentArity.ZeroOrMore };
        Option<double> interval = Refresh.IntervalOption();
        Option<int?> count = Refresh.CountOption();
        Command command = Cli.Command("stat",
            "Show each instance's CPU, memory, swap, processes, disk and network use against its caps; refreshes on a terminal (-j: one JSON sample)",
            ids, interval, count);
        command.OnRun(async (parse, client, ct) =>
        {
            string[] only = parse.GetValue(ids) ?? [];
            TimeSpan every = Refresh.Interval(parse.GetValue(interval));
            async Task<List<string[]>> RowsAsync() => StatView.StatRows(await SelectAsync(client, only, every, ct));
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(await SelectAsync(client, only, every, ct), BerthJson.Default.ListInstanceStats);
                return ExitCodes.Ok;
            }

            return await Refresh.RunAsync(StatView.StatHeaders, RowsAsync, every, parse.GetValue(count), ct);
        });
        return command;
    }

    private static async Task<List<InstanceStats>> SelectAsync(BerthClient client, string[] only, TimeSpan interval, CancellationToken ct)
    {
        if (only.Length == 0)
        {
            return [.. (await client.ListStatsAsync(interval, ct)).OrderBy(s => s.Alias ?? s.Uuid, StringComparer.Ordinal)];
        }

        var selected = new List<InstanceStats>();
        foreach (string id in only)
        {
            selected.Add(await client.GetStatsAsync(id, interval, ct));
        }

        return selected;
    }
}

/// <summary>The refresh loop <c>stat</c> and <c>top</c> share: a live table on a terminal, plain tables otherwise.</summary>
internal static class Refresh
{
    public static Option<double> IntervalOption() => new("--interval", "-i")
    {
        Description = "Seconds between refreshes, also the window rates are measured over",
        DefaultValueFactory = _ => 2,
    };

    public static Option<int?> CountOption() => new("--count", "-c")
    {
        Description = "Refresh this many times, then exit (default: until Ctrl-C on a terminal, once otherwise)",
    };

    public static TimeSpan Interval(double seconds) => seconds is >= 0.1 and <= 60
        ? TimeSpan.FromSeconds(seconds)
        : throw new UsageException($"--interval {seconds}: give seconds from 0.1 to 60");

    public static async Task<int> RunAsync(IReadOnlyList<string> headers, Func<Task<List<string[]>>> rows, TimeSpan interval, int? count, CancellationToken ct)
    {
        if (count is <= 0)
        {
            throw new UsageException("--count must be at least 1");
        }

        try
        {
            if (!Output.IsTerminal)
            {
                for (int i = 0; i < (count ?? 1); i++)
                {
                    await DelayAsync(i, interval, ct);
                    Console.Out.Write((i > 0 ? "\n" : "") + Output.Plain(headers, await rows()));
                }

                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (string h in headers)
            {
                table.AddColumn(new TableColumn(new Text(h, new Style(decoration: Decoration.Bold))));
            }

            List<string[]> first = await rows();
            Fill(table, first);
            await AnsiConsole.Live(table).StartAsync(async live =>
            {
                for (int i = 1; count is null || i < count; i++)
                {
                    await Task.Delay(interval, ct);
                    Fill(table, await rows());
                    live.Refresh();
                }
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl-C is how a refreshing view ends.
        }

        return ExitCodes.Ok;
    }

    private static Task DelayAsync(int i, TimeSpan interval, CancellationToken ct) => i == 0 ? Task.CompletedTask : Task.Delay(interval, ct);

    private static void Fill(Table table, List<string[]> rows)
    {
        table.Rows.Clear();
        foreach (string[] row in rows)
        {
            table.AddRow(row.Select(c => Markup.Escape(c)).ToArray());
        }
    }
}
