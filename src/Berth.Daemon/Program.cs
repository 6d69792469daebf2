using Berth.Daemon;

BerthdOptions options;
try
{
    options = OptionsParser.Parse(args);
}
catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or IOException)
{
    Console.Error.WriteLine($"berthd: {e.Message}");
    Console.Error.WriteLine(OptionsParser.Usage);
    return 2;
}

return await Daemon.RunAsync(options);
