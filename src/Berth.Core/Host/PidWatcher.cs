using Berth.Core.Host.Interop;

namespace Berth.Core.Host;

/// <summary>
/// Watches processes for exit with pidfds: one epoll thread for every watched pid, no thread per pid and no polling.
/// Callbacks run on the thread pool, once, and must not throw.
/// </summary>
public sealed class PidWatcher : IDisposable
{
    private static readonly Lazy<PidWatcher> s_shared = new(() => new PidWatcher());

    private const ulong WakeId = 0;

    private readonly SafeFdHandle _epoll;
    private readonly SafeFdHandle _wake;
    private readonly Thread _thread;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Registration> _watches = [];
    private ulong _nextId = WakeId + 1;
    private volatile bool _disposed;

    public PidWatcher()
    {
        _epoll = Epoll.Create();
        _wake = Eventfd.Create();
        Epoll.Add(_epoll, _wake, Epoll.EpollIn, WakeId);
        _thread = new Thread(Loop) { IsBackground = true, Name = "berth-pidwatcher" };
        _thread.Start();
    }

    /// <summary>The process-wide watcher.</summary>
    public static PidWatcher Shared => s_shared.Value;

    /// <summary>How many pids are watched now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>Calls <paramref name="onExit"/> once when <paramref name="pid"/> exits (at once if it is already gone); dispose to stop watching.</summary>
    public IDisposable Watch(int pid, Action onExit)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pid);
        SafeFdHandle pidfd = PidfdOpen.Open(pid, out int errno);
        if (pidfd.IsInvalid)
        {
            pidfd.Dispose();
            if (errno == PidfdOpen.Esrch)
            {
                ThreadPool.QueueUserWorkItem(_ => onExit());
                return new Registration(this, 0, null, onExit);
            }

            throw new System.ComponentModel.Win32Exception(errno, $"Failed watching pid {pid}: pidfd_open failed");
        }

        Registration registration;
        lock (_lock)
        {
            registration = new Registration(this, _nextId++, pidfd, onExit);
            _watches.Add(registration.Id, registration);
        }

        try
        {
            Epoll.Add(_epoll, pidfd, Epoll.EpollIn, registration.Id);
        }
        catch (Exception e)
        {
            registration.Dispose();
            throw new InvalidOperationException($"Failed watching pid {pid}: {e.Message}", e);
        }

        return registration;
    }

    /// <summary>Completes when <paramref name="pid"/> exits (at once if it is already gone).</summary>
    public async Task WaitForExitAsync(int pid, CancellationToken ct = default)
    {
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable watch = Watch(pid, () => exited.TrySetResult());
        using CancellationTokenRegistration cancel = ct.Register(() => exited.TrySetCanceled(ct));
        await exited.Task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Eventfd.Signal(_wake);
        _thread.Join();
        lock (_lock)
        {
            foreach (Registration r in _watches.Values)
            {
                r.Pidfd?.Dispose();
            }

            _watches.Clear();
        }

        _wake.Dispose();
        _epoll.Dispose();
    }

    private void Loop()
    {
        Span<ulong> ready = stackalloc ulong[64];
        while (!_disposed)
        {
            int n = Epoll.Wait(_epoll, ready);
            for (int i = 0; i < n; i++)
            {
                if (ready[i] == WakeId)
                {
                    continue;
                }

                Registration? fired = Take(ready[i]);
                if (fired is not null)
                {
                    // Closing the pidfd also drops it from the epoll set.
                    fired.Pidfd?.Dispose();
                    Action onExit = fired.OnExit;
                    ThreadPool.QueueUserWorkItem(_ => onExit());
                }
            }
        }
    }

    // An id that is no longer registered was disposed or already fired: its event is ignored.
    private Registration? Take(ulong id)
    {
        lock (_lock)
        {
            return _watches.Remove(id, out Registration? r) ? r : null;
        }
    }

    private sealed class Registration(PidWatcher owner, ulong id, SafeFdHandle? pidfd, Action onExit) : IDisposable
    {
        public ulong Id => id;

        public SafeFdHandle? Pidfd => pidfd;

        public Action OnExit => onExit;

        public void Dispose() => owner.Take(id)?.Pidfd?.Dispose();
    }
}
