using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Win32.SafeHandles;

namespace Berth.Cli;

/// <summary>Joins this process's stdin and stdout to a console WebSocket until Ctrl-], the end of stdin, or the console closing.</summary>
public static class ConsoleSession
{
    /// <summary>Ctrl-], as telnet and virsh console detach.</summary>
    public const byte DetachKey = 0x1d;

    /// <summary>Without a terminal, output that arrives this long after stdin ended still prints.</summary>
    private static readonly TimeSpan s_drainQuiet = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(WebSocket socket, string name, CancellationToken ct)
    {
        bool tty = !Console.IsInputRedirected;
        if (tty)
        {
            Console.Error.WriteLine($"[attached to the console of {name}; Ctrl-] detaches]");
        }

        using RawTerminal? raw = tty ? RawTerminal.Enter() : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long lastOutput = Stopwatch.GetTimestamp();
        Task output = PumpOutputAsync(socket, () => lastOutput = Stopwatch.GetTimestamp(), stop.Token);
        Task input = PumpInputAsync(socket, tty, stop.Token);
        if (await Task.WhenAny(output, input) == input && !tty)
        {
            // stdin ended: let the answer to what was piped in arrive before leaving.
            while (!output.IsCompleted && Stopwatch.GetElapsedTime(Volatile.Read(ref lastOutput)) < s_drainQuiet)
            {
                await Task.WhenAny(output, Task.Delay(100, ct));
            }
        }

        await stop.CancelAsync();
        if (socket.State == WebSocketState.Open)
        {
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "detached", closing.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Leaving anyway: the daemon notices the connection going away.
            }
        }

        raw?.Dispose();
        if (tty)
        {
            Console.Error.WriteLine(output.IsCompleted && !input.IsCompleted ? "\n[console closed]" : "\n[detached]");
        }
    }

    private static async Task PumpOutputAsync(WebSocket socket, Action onOutput, CancellationToken ct)
    {
        using Stream stdout = Console.OpenStandardOutput();
        byte[] buffer = new byte[16384];
        try
        {
            while (true)
            {
                WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                await stdout.WriteAsync(buffer.AsMemory(0, result.Count), ct);
                await stdout.FlushAsync(ct);
                onOutput();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private static async Task PumpInputAsync(WebSocket socket, bool tty, CancellationToken ct)
    {
        // A FileStream on fd 0, not Console.OpenStandardInput: on a terminal that one edits lines itself.
        using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        byte[] buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await stdin.ReadAsync(buffer, ct);
                if (n == 0)
                {
                    return;
                }

                int detach = tty ? Array.IndexOf(buffer, DetachKey, 0, n) : -1;
                int send = detach >= 0 ? detach : n;
                if (send > 0)
                {
                    await socket.SendAsync(buffer.AsMemory(0, send), WebSocketMessageType.Binary, true, ct);
                }

                if (detach >= 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
        }
    }
}

/// <summary>The controlling terminal in raw mode without echo (stty), restored on dispose.</summary>
public sealed class RawTerminal : IDisposable
{
    private readonly string _saved;
    private bool _restored;

    private RawTerminal(string saved) => _saved = saved;

    public static RawTerminal Enter()
    {
        string saved = Stty("-g").Trim();
        Stty("raw", "-echo");
        return new RawTerminal(saved);
    }

    public void Dispose()
    {
        if (!_restored)
        {
            _restored = true;
            Stty(_saved);
        }
    }

    private static string Stty(params string[] args)
    {
        var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-F");
        start.ArgumentList.Add("/dev/tty");
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new IOException("Failed starting stty");
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"Failed setting the terminal with \"stty -F /dev/tty {string.Join(' ', args)}\": {error.Trim()}");
        }

        return output;
    }
}
