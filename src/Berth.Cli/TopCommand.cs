using System.CommandLine;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth top ID</c>: the processes of one instance, busiest first, like prstat -Z.</summary>
public static class TopCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };
        Option<double> interval = Refresh.IntervalOption();
        Option<int?> count = Refresh.CountOption();
        Command command = Cli.Command("top",
            "Show the processes of a running instance with their CPU and memory, busiest first; refreshes on a terminal (-j: one JSON sample)",
            id, interval, count);
        command.OnRun(async (parse, client, ct) =>
        {
            string instance = parse.GetValue(id)!;
            TimeSpan every = Refresh.Interval(parse.GetValue(interval));
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(await client.ListProcessesAsync(instance, every, ct), BerthJson.Default.ListInstanceProcess);
                return ExitCodes.Ok;
            }

            return await Refresh.RunAsync(StatView.TopHeaders,
                async () => StatView.TopRows(await client.ListProcessesAsync(instance, every, ct)), every, parse.GetValue(count), ct);
        });
        return command;
    }
}
