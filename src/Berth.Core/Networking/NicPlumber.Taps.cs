using System.Globalization;
using System.Text;
using Berth.Core.Host;

namespace Berth.Core.Networking;

public sealed partial class NicPlumber
{
    /// <summary>
    /// Makes one persistent tap device per nic of a VM, in the nic's bridge and up, named as a container's host veth
    /// would be (so <see cref="DetachAsync"/> removes them too); QEMU opens them by name. Returns the names.
    /// </summary>
    /// <remarks>The guest's MAC is QEMU's (-device ...,mac=); the tap's own MAC stays the kernel's random one.</remarks>
    public async Task<IReadOnlyList<string>> AttachTapsAsync(string instanceUuid, IReadOnlyList<NicPlan> nics, CancellationToken ct)
    {
        List<string> names = [.. nics.Select(n => HostInterfaceName(instanceUuid, n.Index))];
        if (nics.Count == 0)
        {
            return names;
        }

        var script = new StringBuilder();
        for (int i = 0; i < nics.Count; i++)
        {
            NicRules.ValidateInterfaceName(nics[i].Bridge, "bridge");
            string mtu = nics[i].Mtu is int m ? string.Create(CultureInfo.InvariantCulture, $" mtu {m}") : "";
            script.Append(CultureInfo.InvariantCulture, $"tuntap add dev {names[i]} mode tap\n");
            script.Append(CultureInfo.InvariantCulture, $"link set dev {names[i]} master {nics[i].Bridge}{mtu} up\n");
        }

        CommandResult result = await RunHostAsync(["-batch", "-"], script.ToString(), ct).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await DeleteLinksAsync(names, CancellationToken.None).ConfigureAwait(false);
            throw new BerthException(ErrorKind.Internal,
                $"Failed adding tap devices of {instanceUuid} to bridge {nics[0].Bridge}: {new CommandFailedException(result).Message}");
        }

        return names;
    }
}
