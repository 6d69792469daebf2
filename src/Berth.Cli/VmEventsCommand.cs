using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth vm events [-f] [-j] [ID]</c>: recent lifecycle events, and with -f each new one as it happens.</summary>
public static class VmEventsCommand
{
    public static Command Build()
    {
        var follow = new Option<bool>("--follow", "-f") { Description = "After the recent events, print each new one until interrupted" };
        var id = new Argument<string?>("ID") { Description = "Only this instance's events (UUID, prefix or alias)", Arity = ArgumentArity.ZeroOrOne };
        Command command = Cli.Command("events", "Show lifecycle events (created, started, stopped, crashed, ...) berthd keeps, or follow them", follow, id);
        command.OnRun(async (parse, client, ct) =>
        {
            bool json = parse.GetValue(Cli.Json);
            bool following = parse.GetValue(follow);
            var all = new List<InstanceEvent>();
            // -f starts from the first kept event (since=0), so nothing between "recent" and "new" is lost.
            await foreach (InstanceEvent e in client.EventsAsync(parse.GetValue(id), following, following ? 0 : null, ct))
            {
                if (json && !following)
                {
                    all.Add(e);
                }
                else
                {
                    Console.Out.WriteLine(json ? JsonSerializer.Serialize(e, EventJson.Compact.InstanceEvent) : Line(e));
                    Console.Out.Flush();
                }
            }

            if (json && !following)
            {
                Output.Json(all, BerthJson.Default.ListInstanceEvent);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>TIME TYPE INSTANCE REQUESTOR key=value...</summary>
    public static string Line(InstanceEvent e)
    {
        string details = e.Details is null ? "" : string.Join(' ', e.Details
            .Where(d => d.Key != "log_tail")
            .Select(d => $"{d.Key}={(d.Value.ValueKind == JsonValueKind.String ? d.Value.GetString() : d.Value.GetRawText())}"));
        return $"{e.Time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}  {e.Type,-11}  {e.Alias ?? e.Instance}  {e.Requestor}  {details}".TrimEnd();
    }
}
