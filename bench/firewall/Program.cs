using System.Diagnostics;
using System.Globalization;
using System.Net;
using Berth.Core.Firewall;
using Berth.Core.Host;
using Berth.Core.Networking;

// Firewall apply time (compile + one `nft -f -` transaction) with RULES rules loaded, when the 1st instance is
// added against when the 1000th is, inside a network namespace of its own. Instances are synthetic records: the
// path measured is the one berthd runs on every create, delete and tag change.
int rules = Arg("--rules", 1000);
int instances = Arg("--instances", 1000);
int runs = Arg("--runs", 15);
string netns = args.SkipWhile(a => a != "--netns").Skip(1).FirstOrDefault() ?? throw new ArgumentException("--netns NAME is required");
var applier = new NftApplier(CommandRunner.Default, $"/run/netns/{netns}");

List<FwInstance> all = [.. Enumerable.Range(0, instances).Select(Instance)];
List<FwRuleEntry> ruleset = [.. Enumerable.Range(0, rules).Select(i => Rule(i, all))];

Console.WriteLine($"| instances | rules | compile median (ms) | apply median (ms) | total median (ms) | total p90 (ms) | ruleset (KiB) | runs |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
var totals = new Dictionary<int, double>();
foreach (int count in new[] { 1, 10, 100, 500, instances }.Where(c => c <= instances).Distinct())
{
    List<FwInstance> present = all[..count];
    var compile = new List<double>();
    var apply = new List<double>();
    var total = new List<double>();
    int bytes = 0;
    await applier.ApplyAsync(NftRuleset.Compile(ruleset, present)); // warm-up: the tables exist, as they do in berthd
    for (int r = 0; r < runs; r++)
    {
        long start = Stopwatch.GetTimestamp();
        string text = NftRuleset.Compile(ruleset, present);
        long compiled = Stopwatch.GetTimestamp();
        await applier.ApplyAsync(text);
        long applied = Stopwatch.GetTimestamp();
        bytes = text.Length;
        compile.Add(Stopwatch.GetElapsedTime(start, compiled).TotalMilliseconds);
        apply.Add(Stopwatch.GetElapsedTime(compiled, applied).TotalMilliseconds);
        total.Add(Stopwatch.GetElapsedTime(start, applied).TotalMilliseconds);
    }

    totals[count] = Median(total);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {count} | {rules} | {Median(compile):F1} | {Median(apply):F1} | {Median(total):F1} | {P90(total):F1} | {bytes / 1024.0:F0} | {runs} |"));
}

double ratio = totals[instances] / totals[1];
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"instance {instances} / instance 1 (total median): {ratio:F2}x (target <= 2x: {(ratio <= 2 ? "met" : "missed")})"));
await applier.ApplyAsync(NftRuleset.Remove());
return ratio <= 2 ? 0 : 1;

int Arg(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

// Instances with an app tag (50 values), a role tag (20 values), the firewall on, one nic each.
static FwInstance Instance(int i)
{
    string uuid = $"00000000-0000-4000-8000-{i:x12}";
    var ip = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"172.16.{i / 250}.{(i % 250) + 2}"));
    var nic = new FwNic(NicRules.HostInterfaceName(uuid, 0), string.Create(CultureInfo.InvariantCulture, $"02:00:00:00:{i / 256:x2}:{i % 256:x2}"),
        [ip], false, false, false, []);
    var tags = new Dictionary<string, string> { ["app"] = $"a{i % 50}", ["role"] = $"r{i % 20}" };
    return new FwInstance(uuid, tags, [nic], true);
}

// A mix of the rule shapes people write: tags, tag to tag, subnets with priorities, one instance by UUID.
static FwRuleEntry Rule(int i, List<FwInstance> all)
{
    string text = (i % 4) switch
    {
        0 => $"FROM any TO tag app=a{i % 50} ALLOW tcp PORT {1000 + i}",
        1 => $"FROM tag role=r{i % 20} TO tag role=r{(i + 1) % 20} ALLOW udp PORTS {2000 + i}, {9000 + i}",
        2 => $"FROM subnet 10.{i % 200}.0.0/16 TO all vms BLOCK tcp PORT {3000 + i} PRIORITY {i % 100}",
        _ => $"FROM vm {all[i % all.Count].Uuid} TO any BLOCK tcp PORT 25",
    };
    return new FwRuleEntry($"ffffffff-0000-4000-8000-{i:x12}", true, RuleParser.Parse(text));
}

static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

static double P90(List<double> xs) => xs.Order().ElementAt(Math.Min(xs.Count - 1, (int)Math.Ceiling(xs.Count * 0.9) - 1));
