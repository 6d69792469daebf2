using System.Diagnostics;
using System.Text.Json;
using Berth.Api.Contracts;
using Berth.Core.Host;
using Berth.SystemTests.Daemon;

namespace Berth.SystemTests.Stats;

/// <summary>A berthd serving /metrics on the loopback of its test namespace.</summary>
public sealed class MetricsDaemonFixture : IAsyncLifetime
{
    public const string MetricsAddress = "127.0.0.1:9275";

    private Berthd? _berthd;

    internal Berthd Berthd => _berthd ?? throw new InvalidOperationException("not started (not root?)");

    public async ValueTask InitializeAsync()
    {
        if (Environment.UserName == "root")
        {
            _berthd = await Berthd.StartAsync("--metrics-listen", MetricsAddress);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_berthd is not null)
        {
            await _berthd.DisposeAsync();
        }
    }
}

/// <summary>/metrics as a real Prometheus (Debian's package) scrapes it, inside the test host's network namespace.</summary>
public sealed class MetricsTests(MetricsDaemonFixture fixture) : IClassFixture<MetricsDaemonFixture>
{
    private const string PrometheusAddress = "127.0.0.1:9276";

    private static readonly string[] s_instanceSeries =
    [
        "berth_instance_cpu_seconds_total", "berth_instance_memory_bytes", "berth_instance_memory_limit_bytes",
        "berth_instance_network_receive_bytes_total", "berth_instance_network_transmit_bytes_total",
        "berth_instance_disk_read_bytes_total", "berth_instance_disk_written_bytes_total",
        "berth_instance_throttled_seconds_total", "berth_instance_state",
    ];

    private Berthd Berthd => fixture.Berthd;

    [Fact]
    public async Task PrometheusScrapesEveryInstanceSeriesWithItsLabels()
    {
        RootOnly.Require();
        Assert.SkipWhen(!File.Exists("/usr/bin/prometheus"), "Debian's prometheus package is not installed (scripts/install-deps.sh installs it)");
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("prom-a", 71, "\"cpu_cap\": 50"));
        string dir = Directory.CreateTempSubdirectory("berth-prometheus-").FullName;
        Process? prometheus = null;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: berth
                    static_configs:
                      - targets: ["{MetricsDaemonFixture.MetricsAddress}"]
                """);
            prometheus = StartPrometheus(dir);
            await WaitForFirstScrapeAsync(prometheus);

            foreach (string series in s_instanceSeries)
            {
                JsonElement result = default;
                Assert.True(await Poll.UntilAsync(async () => (result = await QueryAsync($"{series}{{uuid=\"{vm.Uuid}\"}}")).GetArrayLength() > 0),
                    $"Prometheus has {series} for the instance");
                JsonElement metric = result[0].GetProperty("metric");
                Assert.Equal(("prom-a", "lx"), (metric.GetProperty("alias").GetString(), metric.GetProperty("brand").GetString()));
            }

            JsonElement state = await QueryAsync($"berth_instance_state{{uuid=\"{vm.Uuid}\"}}");
            Assert.Equal("running", state[0].GetProperty("metric").GetProperty("state").GetString());
            JsonElement limit = await QueryAsync($"berth_instance_memory_limit_bytes{{uuid=\"{vm.Uuid}\"}}");
            Assert.Equal((128L << 20).ToString(), limit[0].GetProperty("value")[1].GetString());
            Assert.True((await QueryAsync("berth_instances{state=\"running\"} >= 1")).GetArrayLength() == 1, "the host series count the running instance");
            Assert.True((await QueryAsync("berth_pool_size_bytes{pool=\"default\"} > 0")).GetArrayLength() == 1, "the pool's size is a series");
            Assert.True((await QueryAsync("up{job=\"berth\"} == 1")).GetArrayLength() == 1, "the scrape target is up");
        }
        finally
        {
            if (prometheus is { HasExited: false })
            {
                prometheus.Kill();
                await prometheus.WaitForExitAsync();
            }

            prometheus?.Dispose();
            Directory.Delete(dir, recursive: true);
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    [Fact]
    public async Task MetricsPassPromtoolsLintAndTheMetricsPortServesNothingElse()
    {
        RootOnly.Require();
        Assert.SkipWhen(!File.Exists("/usr/bin/promtool"), "Debian's prometheus package is not installed (scripts/install-deps.sh installs it)");
        Manifest vm = await Berthd.CreateAsync(Berthd.Manifest("prom-b", 72));
        try
        {
            string text = await Berthd.Client.GetMetricsAsync();
            Assert.Contains($"berth_instance_cpu_seconds_total{{uuid=\"{vm.Uuid}\",alias=\"prom-b\",brand=\"lx\"}}", text);
            CommandResult lint = await CommandRunner.Default.RunAsync("promtool", ["check", "metrics"], stdin: text);
            Assert.True(lint.Succeeded, $"promtool check metrics: {lint.Stdout}{lint.Stderr}");

            CommandResult metrics = await Berthd.Host.InNetnsAsync("busybox", "wget", "-q", "-O", "-", $"http://{MetricsDaemonFixture.MetricsAddress}/metrics");
            Assert.True(metrics.Succeeded && metrics.Stdout.Contains("berth_instance_state", StringComparison.Ordinal), metrics.Stderr);
            CommandResult api = await Berthd.Host.InNetnsAsync("busybox", "wget", "-q", "-O", "-", $"http://{MetricsDaemonFixture.MetricsAddress}/v1/vms");
            Assert.False(api.Succeeded, "the metrics port does not serve the API");
        }
        finally
        {
            await Berthd.Client.DeleteVmAsync(vm.Uuid!);
        }
    }

    private Process StartPrometheus(string dir)
    {
        var psi = new ProcessStartInfo("nsenter") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[]
                 {
                     $"--net={Berthd.Host.NetnsPath}", "prometheus", $"--config.file={Path.Combine(dir, "prometheus.yml")}",
                     $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address={PrometheusAddress}",
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        Process p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>Setup, not an assertion: Prometheus opens its TSDB and scrapes once (slow on a loaded host), up to 30 s.</summary>
    private async Task WaitForFirstScrapeAsync(Process prometheus)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await QueryAsync("up{job=\"berth\"}")).GetArrayLength() == 0)
        {
            Assert.False(prometheus.HasExited, "prometheus exited");
            Assert.True(DateTime.UtcNow < deadline, "prometheus did not scrape berthd within 30 s");
            await Task.Delay(200);
        }
    }

    /// <summary>The result array of an instant query through Prometheus' HTTP API (promtool, inside the namespace); empty when it fails.</summary>
    private async Task<JsonElement> QueryAsync(string expr)
    {
        CommandResult r = await Berthd.Host.InNetnsAsync("promtool", "query", "instant", "-o", "json", $"http://{PrometheusAddress}", expr);
        if (!r.Succeeded)
        {
            return JsonDocument.Parse("[]").RootElement;
        }

        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }
}
