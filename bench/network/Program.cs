using System.Diagnostics;
using System.Globalization;
using Berth.Core.Host;
using Berth.Core.Networking;

// Network benchmark (issue 4): one nic plumbed by Berth (rtnetlink from the process) against the same by hand with `ip`.
int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
int warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
if (Environment.UserName != "root")
{
    Console.Error.WriteLine("run as root: the benchmark makes a network namespace with a bridge");
    return 2;
}

string netns = $"bench-net-{Environment.ProcessId}";
string nsPath = $"/run/netns/{netns}";
var runner = CommandRunner.Default;
var plumber = new NicPlumber(hostNetns: nsPath);
var sleepers = new List<Process>();
try
{
    await runner.RunCheckedAsync("ip", ["netns", "add", netns]);
    await plumber.EnsureBridgeAsync("benchbr0", "10.250.0.1/16", null, CancellationToken.None);
    Console.WriteLine($"# Network benchmark: runs={runs} warmup={warmup}, host side in netns {netns}, " +
        $"{Environment.ProcessorCount} CPUs, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

    var berth = new List<double>();
    var byHand = new List<double>();
    for (int i = 0; i < warmup + runs; i++)
    {
        // Alternate who goes first so that neither always runs on a warmer cache.
        foreach (bool berthFirst in i % 2 == 0 ? new[] { true, false } : [false, true])
        {
            int pid = await StartSleeperAsync();
            string uuid = Guid.NewGuid().ToString();
            string ip = string.Create(CultureInfo.InvariantCulture, $"10.250.{1 + (i / 250)}.{1 + (i % 250)}");
            var watch = Stopwatch.StartNew();
            if (berthFirst)
            {
                await plumber.AttachAsync(uuid, pid, [new NicPlan(0, "benchbr0", "02:00:00:aa:00:01", [$"{ip}/16"], "10.250.0.1", null)], CancellationToken.None);
            }
            else
            {
                await ByHandAsync(NicPlumber.HostInterfaceName(uuid, 0), pid, ip);
            }

            double ms = watch.Elapsed.TotalMilliseconds;
            (berthFirst ? berth : byHand).Add(ms);
            await plumber.DetachAsync(uuid, 1);
            Stop(pid);
        }
    }

    berth.RemoveRange(0, warmup);
    byHand.RemoveRange(0, warmup);
    Console.WriteLine();
    Console.WriteLine("| setup of one nic (veth in bridge, peer in the instance's netns with MAC, lo, address, link, default route) | median (ms) | p90 (ms) | min | max | runs |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Row("berth (NicPlumber.AttachAsync: rtnetlink from the daemon's process)", berth);
    Row("by hand (`ip -n NS -batch` on the host + `nsenter ... ip -batch` inside)", byHand);
    double ratio = Median(berth) / Median(byHand);
    Console.WriteLine();
    Console.WriteLine($"berth / by hand (median): **{ratio:F2}x** (target <= 1.2x: {(ratio <= 1.2 ? "met" : "missed")})");
    return 0;
}
finally
{
    sleepers.ForEach(p => { try { p.Kill(); } catch (InvalidOperationException) { } });
    await runner.RunAsync("ip", ["netns", "del", netns]);
}

async Task ByHandAsync(string hostName, int pid, string ip)
{
    string host = $"link add {hostName} type veth peer name eth0 address 02:00:00:aa:00:01 netns {pid}\nlink set {hostName} master benchbr0 up\n";
    await runner.RunCheckedAsync("ip", ["-n", netns, "-batch", "-"], host);
    string inside = $"link set lo up\naddr add {ip}/16 dev eth0\nlink set eth0 up\nroute add default via 10.250.0.1 dev eth0\n";
    await runner.RunCheckedAsync("nsenter", [$"--net=/proc/{pid}/ns/net", "ip", "-batch", "-"], inside);
}

async Task<int> StartSleeperAsync()
{
    var psi = new ProcessStartInfo("nsenter") { UseShellExecute = false };
    foreach (string a in (string[])[$"--net={nsPath}", "unshare", "--net", "sleep", "60"])
    {
        psi.ArgumentList.Add(a);
    }

    Process p = Process.Start(psi)!;
    sleepers.Add(p);
    while (true)
    {
        // Ready once unshare has exec'd sleep (its own netns by then).
        string comm = File.Exists($"/proc/{p.Id}/comm") ? File.ReadAllText($"/proc/{p.Id}/comm").Trim() : "";
        if (comm == "sleep")
        {
            return p.Id;
        }

        await Task.Delay(1);
    }
}

void Stop(int pid)
{
    Process p = sleepers.Find(s => s.Id == pid)!;
    p.Kill();
    p.WaitForExit();
    sleepers.Remove(p);
    p.Dispose();
}

static double Median(List<double> xs)
{
    double[] s = [.. xs.Order()];
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
}

static void Row(string name, List<double> xs)
{
    double[] s = [.. xs.Order()];
    double p90 = s[Math.Clamp((int)Math.Ceiling(0.9 * s.Length) - 1, 0, s.Length - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {Median(xs):F2} | {p90:F2} | {s[0]:F2} | {s[^1]:F2} | {s.Length} |"));
}
