using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Core.Instances.Vms.Qmp;

namespace Berth.Tests.Vms;

/// <summary>The QMP client against a real QEMU with no machine (no guest, no root needed).</summary>
public sealed class QmpClientTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-qmp-" + Guid.NewGuid().ToString("N")[..8]);
    private Process? _qemu;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Socket => Path.Combine(_dir, "qmp.sock");

    public async ValueTask InitializeAsync()
    {
        Assert.SkipWhen(!File.Exists("/usr/bin/qemu-system-x86_64"), "qemu-system-x86_64 is not installed (scripts/install-deps.sh)");
        Directory.CreateDirectory(_dir);
        _qemu = Process.Start(new ProcessStartInfo("qemu-system-x86_64")
        {
            ArgumentList = { "-machine", "none", "-nodefaults", "-display", "none", "-qmp", $"unix:{Socket},server=on,wait=off" },
            RedirectStandardError = true,
        })!;
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (!File.Exists(Socket) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_qemu is { HasExited: false })
        {
            _qemu.Kill();
            await _qemu.WaitForExitAsync(Ct);
        }

        _qemu?.Dispose();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task GreetingGivesTheVersionAndCommandsAnswer()
    {
        await using QmpClient qmp = await QmpClient.ConnectAsync(Socket, Ct);

        Assert.True(qmp.Version.GetProperty("qemu").GetProperty("major").GetInt32() >= 7);
        JsonElement status = await qmp.ExecuteAsync("query-status", null, Ct);
        Assert.Equal("running", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ConcurrentCommandsGetTheirOwnAnswers()
    {
        await using QmpClient qmp = await QmpClient.ConnectAsync(Socket, Ct);

        JsonElement[] answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? qmp.ExecuteAsync("query-name", null, Ct)
            : qmp.ExecuteAsync("query-uuid", null, Ct)));

        for (int i = 0; i < answers.Length; i++)
        {
            Assert.True(answers[i].TryGetProperty(i % 2 == 0 ? "name" : "UUID", out _) || i % 2 == 0, $"answer {i}: {answers[i]}");
            Assert.Equal(i % 2 == 1, answers[i].TryGetProperty("UUID", out _));
        }
    }

    [Fact]
    public async Task ErrorsCarryQemusClass()
    {
        await using QmpClient qmp = await QmpClient.ConnectAsync(Socket, Ct);

        QmpException e = await Assert.ThrowsAsync<QmpException>(() => qmp.ExecuteAsync("no-such-command", null, Ct));
        Assert.Equal("CommandNotFound", e.ErrorClass);
        e = await Assert.ThrowsAsync<QmpException>(() => qmp.ExecuteAsync("human-monitor-command", new JsonObject { ["bogus"] = 1 }, Ct));
        Assert.Equal("GenericError", e.ErrorClass);
    }

    [Fact]
    public async Task EventsArriveAndTheChannelEndsWhenQemuQuits()
    {
        await using QmpClient qmp = await QmpClient.ConnectAsync(Socket, Ct);

        await qmp.ExecuteAsync("quit", null, Ct);
        var names = new List<string>();
        await foreach (QmpEvent e in qmp.Events.ReadAllAsync(Ct))
        {
            names.Add(e.Name);
        }

        Assert.Contains("SHUTDOWN", names);
        await Assert.ThrowsAsync<IOException>(() => qmp.ExecuteAsync("query-status", null, Ct));
    }

    [Fact]
    public async Task ConnectingToNoSocketSaysWhere()
    {
        IOException e = await Assert.ThrowsAsync<IOException>(() => QmpClient.ConnectAsync(Path.Combine(_dir, "none.sock"), Ct));
        Assert.Contains("none.sock", e.Message, StringComparison.Ordinal);
    }
}
