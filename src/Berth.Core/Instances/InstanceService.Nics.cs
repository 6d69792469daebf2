using System.Text.Json;
using System.Text.Json.Nodes;
using Berth.Api.Contracts;
using Berth.Core.Networking;

namespace Berth.Core.Instances;

public sealed partial class InstanceService
{
    /// <summary>
    /// Applies add_nics, update_nics and remove_nics: addresses are claimed and freed through IPAM, and on a running
    /// container the nics are plumbed and unplumbed at once (a changed nic is unplumbed and plumbed anew).
    /// </summary>
    private async Task<Manifest> ApplyNicActionsAsync(Manifest current, Manifest updated, NicActions actions, bool running, CancellationToken ct)
    {
        string uuid = current.Uuid!;
        List<Nic> before = current.Nics ?? [];
        JsonArray array = actions.Apply(before, out HashSet<string> changedMacs);
        List<Nic> validated = Manifests.ManifestValidator.ValidateNics(JsonSerializer.SerializeToElement(array, BerthJson.Default.JsonNode), uuid, current.Brand);

        // Nics keep their interface (and so their host veth); new ones take the lowest free ethN.
        var taken = before.Where(b => validated.Any(v => v.Mac == b.Mac)).Select((b, i) => NicPlanner.IndexOf(b, before.IndexOf(b))).ToHashSet();
        var nics = new List<Nic>();
        var fresh = new List<int>();
        for (int i = 0; i < validated.Count; i++)
        {
            Nic? old = before.Find(b => b.Mac == validated[i].Mac);
            int index = old is not null ? NicPlanner.IndexOf(old, before.IndexOf(old)) : Enumerable.Range(0, NicRules.MaxNicIndex + 1).First(n => !taken.Contains(n));
            taken.Add(index);
            nics.Add(validated[i] with { Interface = $"eth{index}" });
            if (old is null || changedMacs.Contains(validated[i].Mac!) || old.Primary != validated[i].Primary)
            {
                fresh.Add(i);
            }
        }

        List<Nic> removed = [.. before.Where(b => !nics.Any(n => n.Mac == b.Mac))];
        List<Nic> replaced = [.. before.Where(b => fresh.Any(i => nics[i].Mac == b.Mac))];

        // Addresses: free those of removed and changed nics, then claim those of new and changed ones.
        await _addressing.ReleaseAsync(uuid, [.. removed.Concat(replaced).Select(n => n.Mac!)]).ConfigureAwait(false);
        try
        {
            List<Nic> claimed = await _addressing.ClaimAsync(uuid, [.. fresh.Select(i => nics[i])], ct, fresh).ConfigureAwait(false);
            for (int k = 0; k < fresh.Count; k++)
            {
                nics[fresh[k]] = claimed[k];
            }
        }
        catch
        {
            await _addressing.ClaimAsync(uuid, [.. removed.Concat(replaced)], CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        Manifest result = updated with { Nics = nics };
        if (running && current.Pid is int pid)
        {
            await plumber.DetachAsync(uuid, removed.Concat(replaced).Select((n, _) => NicPlanner.IndexOf(n, before.IndexOf(n)))).ConfigureAwait(false);
            if (fresh.Count > 0)
            {
                IReadOnlyList<NicPlan> plans = await PlanNicsAsync(result, ct).ConfigureAwait(false);
                await plumber.AttachAsync(uuid, pid, [.. fresh.Select(i => plans[i])], ct, NicPlanner.Routes(result)).ConfigureAwait(false);
            }
        }

        return result;
    }
}
