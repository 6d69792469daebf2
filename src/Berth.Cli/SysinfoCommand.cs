using System.CommandLine;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth sysinfo</c>: facts about the host berthd runs on.</summary>
public static class SysinfoCommand
{
    public static Command Build()
    {
        Command command = Cli.Command("sysinfo", "Show facts about this host: kernel, CPUs, memory, cgroup mode, brands");
        command.OnRun(async (parse, client, ct) =>
        {
            Sysinfo info = await client.GetSysinfoAsync(ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(info, BerthJson.Default.Sysinfo);
            }
            else
            {
                Output.Properties(JsonSerializer.SerializeToElement(info, BerthJson.Default.Sysinfo));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
