using System.Text.Json;

namespace Berth.Daemon;

/// <summary>Reads berthd.json, then lets flags override it: every key is also a flag (state_dir ⇔ --state-dir).</summary>
internal static class OptionsParser
{
    private static readonly Dictionary<string, Action<BerthdOptions, string>> s_keys = new()
    {
        ["socket"] = (o, v) => o.Socket = v,
        ["state-dir"] = (o, v) => o.StateDir = v,
        ["run-dir"] = (o, v) => o.RunDir = v,
        ["cgroup-parent"] = (o, v) => o.CgroupParent = v,
        ["bridge"] = (o, v) => o.Bridge = v,
        ["mdata-tools"] = (o, v) => o.MdataTools = v,
        ["listen"] = (o, v) => o.Listen = v,
        ["metrics-listen"] = (o, v) => o.MetricsListen = v,
        ["config"] = (o, v) => o.Config = v,
        ["boot-id-file"] = (o, v) => o.BootIdFile = v,
    };

    public const string Usage = """
        usage: berthd [--config FILE] [--socket PATH] [--state-dir DIR] [--run-dir DIR]
                      [--cgroup-parent NAME] [--bridge NAME] [--mdata-tools DIR] [--listen HOST:PORT]
                      [--metrics-listen HOST:PORT] [--boot-id-file PATH]
        Every flag may also be a key of /etc/berth/berthd.json, spelled with underscores (state_dir).
        """;

    /// <summary>Parses flags and the config file; throws ArgumentException naming the bad flag or key.</summary>
    public static BerthdOptions Parse(string[] args)
    {
        var flags = new List<(string Key, string Value)>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument \"{arg}\"");
            }

            string key = arg[2..];
            string? value = null;
            int eq = key.IndexOf('=');
            if (eq >= 0)
            {
                value = key[(eq + 1)..];
                key = key[..eq];
            }

            if (!s_keys.ContainsKey(key))
            {
                throw new ArgumentException($"unknown flag --{key}");
            }

            value ??= i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--{key} needs a value");
            flags.Add((key, value));
        }

        var options = new BerthdOptions();
        foreach ((string key, string value) in flags.Where(f => f.Key == "config"))
        {
            s_keys[key](options, value);
        }

        if (File.Exists(options.Config))
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(options.Config));
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                string key = p.Name.Replace('_', '-');
                if (!s_keys.TryGetValue(key, out var set) || key == "config")
                {
                    throw new ArgumentException($"{options.Config}: unknown key \"{p.Name}\"");
                }

                set(options, p.Value.ValueKind == JsonValueKind.String
                    ? p.Value.GetString()!
                    : throw new ArgumentException($"{options.Config}: \"{p.Name}\" must be a string"));
            }
        }

        foreach ((string key, string value) in flags)
        {
            s_keys[key](options, value);
        }

        if (options.Listen is not null)
        {
            TcpListen.Parse(options.Listen);
        }

        if (options.MetricsListen is not null && TcpListen.ParseMetrics(options.MetricsListen).Port == (options.Listen is null ? -1 : TcpListen.Parse(options.Listen).Port))
        {
            throw new ArgumentException($"--metrics-listen {options.MetricsListen}: give it a port of its own, not the API's (--listen {options.Listen})");
        }

        return options;
    }
}
