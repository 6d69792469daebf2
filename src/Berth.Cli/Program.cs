using System.CommandLine;
using Berth.Cli;

RootCommand root = BerthCommand.Build();
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
    {
        Console.Error.WriteLine($"berth: {error.Message}");
    }

    Console.Error.WriteLine($"Run '{BerthCommand.PathOf(parse.CommandResult.Command)} --help' for usage.");
    return ExitCodes.Usage;
}

return await parse.InvokeAsync();
