using System.Globalization;
using Berth.Core.Host.Interop;

namespace Berth.Core.Networking.Netlink;

/// <summary>
/// The rtnetlink steps of NicPlumber.AttachAsync: veths created on the host socket with their peers born inside the
/// instance's namespace, then lo, addresses, links and the default route configured on a socket bound to that namespace.
/// </summary>
internal static class NicAttach
{
    /// <summary>Plumbs <paramref name="nics"/>; on failure removes every host veth it made (their peers go with them) and throws.</summary>
    public static void Run(RtnlSocket host, RtnlSocket inside, SafeFdHandle instanceNetns, string uuid, IReadOnlyList<NicPlan> nics,
        IReadOnlyList<string> names, CancellationToken ct, IReadOnlyList<RoutePlan> routes)
    {
        try
        {
            AddVeths(host, instanceNetns, nics, names, retryable: true);
        }
        catch (NetlinkException e) when (e.Errno == NetlinkException.EEXIST)
        {
            // A veth of this instance's previous namespace can linger briefly after the namespace died: remove it and retry once.
            DeleteLinks(host, names);
            Guard(host, uuid, nics, names, () => AddVeths(host, instanceNetns, nics, names, retryable: false));
        }
        catch (NicStepException e)
        {
            DeleteLinks(host, names);
            throw Failure(uuid, e);
        }

        if (ct.IsCancellationRequested)
        {
            DeleteLinks(host, names);
            ct.ThrowIfCancellationRequested();
        }

        Guard(host, uuid, nics, names, () => Configure(inside, nics, routes));
    }

    /// <summary>Deletes the named links that exist; best effort, as a cleanup that must not hide the first error.</summary>
    public static void DeleteLinks(RtnlSocket host, IReadOnlyList<string> names)
    {
        foreach (string name in names)
        {
            try
            {
                host.Execute(RtnlRequests.DeleteLink(name), $"deleting {name}");
            }
            catch (NetlinkException)
            {
                // Already gone (ENODEV), or the next create says what is wrong.
            }
        }
    }

    // Runs a step; on failure removes the veths (deleting a host end deletes its peer inside too) and names the nic.
    private static void Guard(RtnlSocket host, string uuid, IReadOnlyList<NicPlan> nics, IReadOnlyList<string> names, Action step)
    {
        try
        {
            step();
        }
        catch (IOException e)
        {
            // Not tied to one nic (lo): named after the first, as the batch path did.
            DeleteLinks(host, names);
            throw Failure(uuid, new NicStepException(nics[0], e));
        }
        catch (NicStepException e)
        {
            DeleteLinks(host, names);
            throw Failure(uuid, e);
        }
    }

    private static void AddVeths(RtnlSocket host, SafeFdHandle instanceNetns, IReadOnlyList<NicPlan> nics, IReadOnlyList<string> names, bool retryable)
    {
        var bridges = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nics.Count; i++)
        {
            NicPlan nic = nics[i];
            Step(nic, () =>
            {
                if (!bridges.TryGetValue(nic.Bridge, out int bridge))
                {
                    bridge = host.LinkIndex(nic.Bridge, $"looking up bridge {nic.Bridge}");
                    bridges[nic.Bridge] = bridge;
                }

                host.Execute(RtnlRequests.NewVeth(names[i], bridge, nic.Mtu, Eth(nic), nic.Mac, instanceNetns.Fd), $"adding veth {names[i]}");
            }, rethrowExists: retryable);
        }
    }

    // Inside: lo up, each nic's addresses and link up, then routes last (a gateway is reachable only once its link is up and addressed).
    private static void Configure(RtnlSocket inside, IReadOnlyList<NicPlan> nics, IReadOnlyList<RoutePlan> routes)
    {
        inside.Execute(RtnlRequests.SetUp("lo"), "bringing lo up");
        var indexes = new Dictionary<int, int>();
        foreach (NicPlan nic in nics)
        {
            Step(nic, () =>
            {
                string eth = Eth(nic);
                int index = inside.LinkIndex(eth, $"looking up {eth}");
                indexes[nic.Index] = index;
                foreach (string address in nic.Addresses)
                {
                    inside.Execute(RtnlRequests.NewAddress(address, index), $"adding address {address} to {eth}");
                }

                inside.Execute(RtnlRequests.SetUp(index), $"bringing {eth} up");
            });
        }

        foreach (NicPlan nic in nics)
        {
            if (nic.Gateway is { } gateway)
            {
                Step(nic, () => inside.Execute(RtnlRequests.ReplaceDefaultRoute(gateway, indexes[nic.Index]),
                    $"adding default route via {gateway} on {Eth(nic)}"));
            }
        }

        // vmadm's routes last: a gateway is reachable once the nic of its subnet is up.
        foreach (RoutePlan route in routes)
        {
            NicPlan first = nics[0];
            if (route.NicIndex is int n)
            {
                if (indexes.TryGetValue(n, out int link))
                {
                    Step(first, () => inside.Execute(RtnlRequests.ReplaceRoute(route.Destination, null, link), $"adding route to {route.Destination} on eth{n}"));
                }
            }
            else
            {
                Step(first, () => inside.Execute(RtnlRequests.ReplaceRoute(route.Destination, route.Gateway, null), $"adding route to {route.Destination} via {route.Gateway}"));
            }
        }
    }

    private static void Step(NicPlan nic, Action action, bool rethrowExists = false)
    {
        try
        {
            action();
        }
        catch (IOException e) when (!(rethrowExists && e is NetlinkException { Errno: NetlinkException.EEXIST }))
        {
            throw new NicStepException(nic, e);
        }
    }

    private static string Eth(NicPlan nic) => string.Create(CultureInfo.InvariantCulture, $"eth{nic.Index}");

    private static BerthException Failure(string uuid, NicStepException e) =>
        new(ErrorKind.Internal, $"Failed attaching nic {e.Nic.Index} of {uuid} to bridge {e.Nic.Bridge}: {e.InnerException!.Message}",
            e.InnerException);

    /// <summary>A failed step and the nic it was for.</summary>
    private sealed class NicStepException(NicPlan nic, Exception inner) : Exception(inner.Message, inner)
    {
        public NicPlan Nic { get; } = nic;
    }
}
