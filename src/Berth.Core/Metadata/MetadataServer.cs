using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Berth.Core.Metadata;

/// <summary>
/// Serves each lx instance's metadata on a unix socket of its own: &lt;run-dir&gt;/metadata/&lt;uuid&gt;/metadata.sock on the
/// host, whose directory is bind-mounted at /native/.zonecontrol in the instance (where SmartOS lx zones have it).
/// The socket belongs to one instance, so no request can name another; each has its own rate limit.
/// </summary>
public sealed partial class MetadataServer : IAsyncDisposable
{
    /// <summary>Where the socket's directory appears inside an instance.</summary>
    public const string GuestDir = "/native/.zonecontrol";

    public const string SocketName = "metadata.sock";

    private readonly BerthPaths _paths;
    private readonly ILogger<MetadataServer> _logger;
    private readonly MetadataLimits _limits;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Served> _served = new();
    private readonly Lock _lock = new();

    public MetadataServer(BerthPaths paths, ILogger<MetadataServer> logger)
        : this(paths, logger, MetadataLimits.Default, TimeProvider.System)
    {
    }

    internal MetadataServer(BerthPaths paths, ILogger<MetadataServer> logger, MetadataLimits limits, TimeProvider time)
    {
        _paths = paths;
        _logger = logger;
        _limits = limits;
        _time = time;
    }

    /// <summary>The host directory holding an instance's socket (the source of its /native/.zonecontrol mount).</summary>
    public string SocketDir(string uuid) => Path.Combine(_paths.MetadataDir, uuid);

    public string SocketPath(string uuid) => Path.Combine(SocketDir(uuid), SocketName);

    public MetadataLimits Limits => _limits;

    public bool IsServing(string uuid) => _served.ContainsKey(uuid);

    /// <summary>Counters of an instance's service, or null when it is not served.</summary>
    public MetadataStats? Stats(string uuid) => _served.TryGetValue(uuid, out Served? served) ? served.State.Stats : null;

    /// <summary>
    /// Starts serving an instance (idempotent). A socket left by an earlier berthd is replaced; the instance sees the new
    /// one because its mount is of the directory. <paramref name="owner"/> is the host uid and gid of the instance's
    /// root when it runs in a user namespace (the socket is theirs, mode 0600); null leaves it to host root.
    /// </summary>
    public void Serve(string uuid, IMetadataBackend backend, (int Uid, int Gid)? owner = null)
    {
        lock (_lock)
        {
            if (_served.ContainsKey(uuid))
            {
                return;
            }

            string path = SocketPath(uuid);
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                Directory.CreateDirectory(SocketDir(uuid));
                File.Delete(path);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                if (owner is { } o)
                {
                    Host.Interop.Chown.Set(path, o.Uid, o.Gid);
                }

                listener.Listen(_limits.MaxConnections * 2);
            }
            catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
            {
                listener.Dispose();
                throw new BerthException(ErrorKind.Internal, $"Failed serving the metadata of instance {uuid} on \"{path}\": {e.Message}", e);
            }

            var served = new Served(new InstanceMetadataState(_limits, _time), listener);
            _served[uuid] = served;
            _ = Task.Run(() => AcceptLoopAsync(uuid, backend, served));
            Log.Serving(_logger, uuid, path);
        }
    }

    /// <summary>Stops serving an instance and removes its socket directory (idempotent).</summary>
    public void Stop(string uuid)
    {
        lock (_lock)
        {
            if (_served.TryRemove(uuid, out Served? served))
            {
                served.Close();
                Log.Stopped(_logger, uuid);
            }

            DeleteDirectory(SocketDir(uuid));
        }
    }

    /// <summary>Removes socket directories of instances berthd has no record of (left by a crash).</summary>
    public void RemoveOrphans(IReadOnlySet<string> known)
    {
        if (!Directory.Exists(_paths.MetadataDir))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(_paths.MetadataDir))
        {
            string uuid = Path.GetFileName(dir);
            if (!known.Contains(uuid))
            {
                Stop(uuid);
            }
        }
    }

    /// <summary>Stops listening (berthd is stopping); instances and their socket directories stay for the next berthd.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (string uuid in _served.Keys)
        {
            if (_served.TryRemove(uuid, out Served? served))
            {
                served.Close();
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task AcceptLoopAsync(string uuid, IMetadataBackend backend, Served served)
    {
        CancellationToken ct = served.Token;
        while (!ct.IsCancellationRequested)
        {
            bool slot = false;
            try
            {
                await served.State.ConnectionSlots.WaitAsync(ct).ConfigureAwait(false);
                slot = true;
                await served.State.Bucket.TakeAsync(1, ct).ConfigureAwait(false); // a connection costs a token too
                Socket client = await served.Listener.AcceptAsync(ct).ConfigureAwait(false);
                slot = false;
                _ = ServeConnectionAsync(uuid, backend, served, client);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (Exception e)
            {
                // Say, out of file descriptors: keep serving once the cause is gone.
                Log.AcceptFailed(_logger, uuid, e);
                await Task.Delay(TimeSpan.FromMilliseconds(200), _time, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                if (slot)
                {
                    served.State.ConnectionSlots.Release();
                }
            }
        }
    }

    private async Task ServeConnectionAsync(string uuid, IMetadataBackend backend, Served served, Socket client)
    {
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            await new MdataSession(uuid, backend, served.State, _logger).RunAsync(stream, served.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The guest hung up, or the instance stopped.
        }
        catch (Exception e)
        {
            Log.SessionFailed(_logger, uuid, e);
        }
        finally
        {
            client.Dispose();
            served.State.ConnectionSlots.Release();
        }
    }

    private static void DeleteDirectory(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class Served(InstanceMetadataState state, Socket listener)
    {
        private readonly CancellationTokenSource _cts = new();

        public InstanceMetadataState State { get; } = state;

        public Socket Listener { get; } = listener;

        public CancellationToken Token => _cts.Token;

        public void Close()
        {
            _cts.Cancel();
            Listener.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Serving the metadata of instance {Uuid} on {Path}")]
        public static partial void Serving(ILogger logger, string uuid, string path);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Stopped serving the metadata of instance {Uuid}")]
        public static partial void Stopped(ILogger logger, string uuid);

        [LoggerMessage(Level = LogLevel.Error, Message = "Metadata of instance {Uuid}: accepting a connection failed")]
        public static partial void AcceptFailed(ILogger logger, string uuid, Exception e);

        [LoggerMessage(Level = LogLevel.Error, Message = "Metadata of instance {Uuid}: a connection failed")]
        public static partial void SessionFailed(ILogger logger, string uuid, Exception e);
    }
}
