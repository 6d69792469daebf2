using System.Diagnostics;
using Berth.Core.Host.Interop;
using Berth.Core.Instances.Containers;

namespace Berth.Core.Host;

/// <summary>
/// Mounts a directory idmapped (mount_setattr MOUNT_ATTR_IDMAP): files owned by N on disk show as owned by
/// range.HostId + N, so an instance whose root is host ID range.HostId owns its image's files without a chown.
/// </summary>
/// <remarks>
/// An idmap needs a user namespace with the mapping. berthd may not unshare one itself (it is multi-threaded), so a
/// short-lived `unshare --user` child provides it: berthd writes its maps, keeps a handle on the namespace and ends it.
/// </remarks>
public static class IdmappedMount
{
    private const string Unshare = "/usr/bin/unshare";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    /// <summary>Mounts <paramref name="source"/> at <paramref name="target"/> (created if missing), idmapped through <paramref name="range"/>.</summary>
    public static async Task MountAsync(string source, string target, IdRange range, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(range);
        try
        {
            using SafeFdHandle userns = await UserNamespaceAsync(range, ct).ConfigureAwait(false);
            using SafeFdHandle tree = OpenTree.Clone(source);
            MountSetattr.Idmap(tree, userns, $"\"{source}\"");
            Directory.CreateDirectory(target);
            MoveMount.Attach(tree, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            throw new BerthException(ErrorKind.Internal,
                $"Failed mounting \"{source}\" at \"{target}\" idmapped to host IDs {range.HostId}-{range.HostId + range.Size - 1}: {e.Message}", e);
        }
    }

    /// <summary>Detaches the mount at <paramref name="target"/> if there is one and removes the empty directory.</summary>
    public static void Unmount(string target)
    {
        if (!Directory.Exists(target))
        {
            return;
        }

        try
        {
            while (Umount.Detach(target))
            {
                // Stacked mounts (a crash between two attempts) come off one per call.
            }

            Directory.Delete(target);
        }
        catch (IOException e)
        {
            throw new BerthException(ErrorKind.Internal, $"Failed unmounting the idmapped root \"{target}\": {e.Message}", e);
        }
    }

    // A child in a new user namespace whose maps berthd writes (root in the parent namespace may write any map).
    private static async Task<SafeFdHandle> UserNamespaceAsync(IdRange range, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Unshare) { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("--user");
        start.ArgumentList.Add("--");
        start.ArgumentList.Add("/bin/cat"); // waits on stdin, so it ends when berthd closes it, even if berthd dies
        using Process child = Process.Start(start) ?? throw new IOException($"{Unshare} did not start");
        try
        {
            string own = new FileInfo("/proc/self/ns/user").LinkTarget ?? "";
            string nsLink = $"/proc/{child.Id}/ns/user";
            var clock = Stopwatch.StartNew();
            while ((new FileInfo(nsLink).LinkTarget ?? own) == own) // "user:[inode]": the child's changes when it has unshared
            {
                if (child.HasExited || clock.Elapsed > s_timeout)
                {
                    throw new IOException($"{Unshare} --user did not enter a new user namespace (exited: {child.HasExited})");
                }

                await Task.Yield();
            }

            WriteOnce.Write($"/proc/{child.Id}/uid_map", range.MapLine);
            WriteOnce.Write($"/proc/{child.Id}/gid_map", range.MapLine);
            return OpenReadOnly.Open(nsLink);
        }
        finally
        {
            child.StandardInput.Close();
            child.Kill();
            await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }
}
