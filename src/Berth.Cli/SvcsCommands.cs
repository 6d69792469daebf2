using System.CommandLine;
using System.Globalization;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth svcs [-x] [ID]</c> and <c>berth svcadm clear ID</c>, as on illumos.</summary>
public static class SvcsCommands
{
    public static Command Svcs()
    {
        var explain = new Option<bool>("-x") { Description = "Explain each service that is not online (or the one given): why, and what it waits for" };
        var id = new Argument<string?>("ID") { Description = "An instance (UUID, prefix or alias) or a part of berthd (berthd/api)", Arity = ArgumentArity.ZeroOrOne };
        Command command = Cli.Command("svcs", "List supervised services (instances and berthd's own parts) with their states", explain, id);
        command.OnRun(async (parse, client, ct) =>
        {
            string? one = parse.GetValue(id);
            List<ServiceStatus> services = one is null ? await client.ListServicesAsync(ct) : [await client.GetServiceAsync(one, ct)];
            if (parse.GetValue(Cli.Json))
            {
                if (one is null)
                {
                    Output.Json(services, BerthJson.Default.ListServiceStatus);
                }
                else
                {
                    Output.Json(services[0], BerthJson.Default.ServiceStatus);
                }
            }
            else if (parse.GetValue(explain))
            {
                List<ServiceStatus> shown = one is null ? [.. services.Where(s => s.State is not ("online" or "disabled"))] : services;
                Console.Out.Write(shown.Count == 0 ? "" : string.Join("\n", shown.Select(Explain)));
            }
            else
            {
                Output.Table(["STATE", "STIME", "FMRI"], [.. services.Select(s => new[] { s.State, Time(s.Since), s.Fmri })]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Svcadm()
    {
        var id = new Argument<string>("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };
        Command clear = Cli.Command("clear", "Take an instance out of maintenance (forgetting its crashes) and start it again", id);
        clear.OnRun(async (parse, client, ct) =>
        {
            ServiceStatus status = await client.ClearServiceAsync(parse.GetValue(id)!, ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(status, BerthJson.Default.ServiceStatus);
            }
            else
            {
                Output.Note($"{status.Fmri} cleared: {status.State}");
            }

            return ExitCodes.Ok;
        });
        return Cli.Command("svcadm", "Administer supervised services", clear);
    }

    /// <summary>svcs -x's paragraph for one service.</summary>
    public static string Explain(ServiceStatus s)
    {
        var lines = new List<string>
        {
            s.Uuid is null ? s.Fmri : $"{s.Fmri} ({s.Uuid})",
            $" State: {s.State} since {Time(s.Since)}",
        };
        if (s.Reason is not null)
        {
            lines.Add($"Reason: {s.Reason}");
        }

        foreach (string waiting in s.WaitingFor ?? [])
        {
            lines.Add($"  Waits for: {waiting}");
        }

        if (s.HealthCheck is not null)
        {
            lines.Add($"  Health check: {s.HealthCheck} ({s.Health}{(s.HealthDetail is null ? "" : ": " + s.HealthDetail)})");
        }

        if (s.LastExitStatus is not null || s.LastExitTime is not null)
        {
            lines.Add($"  Last exit: status {s.LastExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}"
                + (s.LastExitTime is null ? "" : $" at {Time(s.LastExitTime)}")
                + (s.RecentCrashes is > 0 ? $", {s.RecentCrashes} unrequested exits recently" : "")
                + $" (restart: {s.Restart ?? "no"})");
        }

        if (s.LastLogLines is { Count: > 0 })
        {
            lines.Add("  Console before the exit:");
            lines.AddRange(s.LastLogLines.Select(l => "    " + l));
        }

        return string.Join('\n', lines) + "\n";
    }

    private static string Time(DateTimeOffset? t) =>
        t?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "-";
}
