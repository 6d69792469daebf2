using Berth.Core.Host.Interop;

namespace Berth.Core.Networking.Netlink;

/// <summary>
/// Opens rtnetlink sockets inside other network namespaces. The only place Berth enters a namespace (DESIGN.md,
/// "Processes"): a dedicated thread, never a pool thread, enters each namespace just long enough to open a socket
/// (which stays bound to it), then goes back; if it cannot go back, it ends with the wrong namespace.
/// </summary>
internal static class NetnsSockets
{
    /// <summary>One socket per namespace file descriptor, in order; a null entry opens a socket in the caller's own namespace.</summary>
    public static Task<RtnlSocket[]> OpenAsync(IReadOnlyList<SafeFdHandle?> namespaces)
    {
        var done = new TaskCompletionSource<RtnlSocket[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Open(namespaces, done)) { IsBackground = true, Name = "berth-netns" };
        thread.Start();
        return done.Task;
    }

    private static void Open(IReadOnlyList<SafeFdHandle?> namespaces, TaskCompletionSource<RtnlSocket[]> done)
    {
        var sockets = new List<RtnlSocket>();
        try
        {
            using SafeFdHandle own = OpenReadOnly.Open("/proc/thread-self/ns/net");
            foreach (SafeFdHandle? ns in namespaces)
            {
                if (ns is null)
                {
                    sockets.Add(RtnlSocket.Open());
                    continue;
                }

                int entered = Setns.Enter(ns, Setns.CLONE_NEWNET);
                if (entered != 0)
                {
                    throw new ErrnoException("setns into the instance's network namespace", entered);
                }

                try
                {
                    sockets.Add(RtnlSocket.Open());
                }
                finally
                {
                    int back = Setns.Enter(own, Setns.CLONE_NEWNET);
                    if (back != 0)
                    {
                        // This thread is in a foreign namespace for good: fail, and let the thread end (it is not pooled).
                        throw new ErrnoException("setns back to the daemon's network namespace", back);
                    }
                }
            }

            done.SetResult([.. sockets]);
        }
        catch (Exception e)
        {
            sockets.ForEach(s => s.Dispose());
            done.SetException(e);
        }
    }
}
