using System.CommandLine;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth network ...</c>: named L2 segments with NAPI's field names.</summary>
public static class NetworkCommands
{
    public static Command Build() =>
        Cli.Command("network", "List, create and delete networks", List(), Get(), Create(), Delete());

    private static Command List()
    {
        Command command = Cli.Command("list", "List networks");
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            List<Network> networks = await client.ListNetworksAsync(ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(networks, BerthJson.Default.ListNetwork);
            }
            else
            {
                Output.Table(["NAME", "NIC_TAG", "BRIDGE", "SUBNET", "GATEWAY", "RANGE", "VLAN", "VXLAN", "RESOLVERS"],
                    [.. networks.Select(n => new[]
                    {
                        n.Name ?? "-", n.NicTag ?? "-", n.Bridge ?? "-", n.Subnet ?? "-", n.Gateway ?? "-",
                        n.ProvisionStartIp is null ? "-" : $"{n.ProvisionStartIp}-{n.ProvisionEndIp}",
                        n.VlanId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        n.VxlanVni?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                        n.Resolvers is { Count: > 0 } r ? string.Join(',', r) : "-",
                    })]);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var name = new Argument<string>("NAME") { Description = "The network's name or UUID" };
        Command command = Cli.Command("get", "Show one network", name);
        command.OnRun(async (parse, client, ct) =>
        {
            Show(parse, await client.GetNetworkAsync(parse.GetRequiredValue(name), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Show(ParseResult parse, Network network)
    {
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(network, BerthJson.Default.Network);
        }
        else
        {
            Output.Properties(JsonSerializer.SerializeToElement(network, BerthJson.Default.Network));
        }
    }

    private static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The network's name" };
        var nicTag = new Option<string>("--nic-tag") { Description = "The tag nics name to join this network", Required = true };
        var subnet = new Option<string>("--subnet") { Description = "The subnet, as a CIDR (10.88.0.0/24)", Required = true };
        var gateway = new Option<string>("--gateway") { Description = "The gateway's IP (the bridge holds it)", Required = true };
        var range = new Option<string?>("--range") { Description = "Addresses IPAM hands out, FIRST-LAST (default: the whole subnet)" };
        var bridge = new Option<string?>("--bridge") { Description = "The host bridge (an existing one may hold a physical NIC); default: berthd's for nic tag admin, else b-TAG" };
        var resolvers = new Option<string[]>("--resolver") { Description = "A DNS resolver for instances (repeatable)", AllowMultipleArgumentsPerToken = false };
        var vlan = new Option<int?>("--vlan", "--vlan-id") { Description = "An 802.1Q VLAN ID (needs a kernel with bridge VLAN filtering)" };
        var mtu = new Option<int?>("--mtu") { Description = "MTU of the bridge and the nics (default 1500; 1450 on VXLAN)" };
        var vxlan = new Option<int?>("--vxlan") { Description = "Make the network a VXLAN segment with this VNI" };
        var peers = new Option<string[]>("--vxlan-peer") { Description = "Underlay IP of another host of the VXLAN segment (repeatable)", AllowMultipleArgumentsPerToken = false };
        Command command = Cli.Command("create", "Create a network", name, nicTag, subnet, gateway, range, bridge, resolvers, vlan, mtu, vxlan, peers);
        command.OnRun(async (parse, client, ct) =>
        {
            string[] r = parse.GetValue(resolvers) ?? [];
            string[] p = parse.GetValue(peers) ?? [];
            string? rangeText = parse.GetValue(range);
            string[] bounds = rangeText?.Split('-', 2) ?? [];
            if (rangeText is not null && bounds.Length != 2)
            {
                throw new UsageException($"--range \"{rangeText}\" is not FIRST-LAST (10.88.0.10-10.88.0.200)");
            }

            var network = new Network
            {
                Name = parse.GetRequiredValue(name),
                NicTag = parse.GetRequiredValue(nicTag),
                Subnet = parse.GetRequiredValue(subnet),
                Gateway = parse.GetRequiredValue(gateway),
                ProvisionStartIp = bounds.Length == 2 ? bounds[0] : null,
                ProvisionEndIp = bounds.Length == 2 ? bounds[1] : null,
                Bridge = parse.GetValue(bridge),
                Resolvers = r.Length > 0 ? [.. r] : null,
                VlanId = parse.GetValue(vlan),
                Mtu = parse.GetValue(mtu),
                VxlanVni = parse.GetValue(vxlan),
                VxlanPeers = p.Length > 0 ? [.. p] : null,
            };
            Network created = await client.CreateNetworkAsync(network, ct);
            Output.Note($"Created network {created.Name}");
            Show(parse, created);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("NAME") { Description = "The network's name or UUID" };
        Command command = Cli.Command("delete", "Delete a network no nic uses", name);
        command.Aliases.Add("rm");
        command.OnRun(async (parse, client, ct) =>
        {
            await client.DeleteNetworkAsync(parse.GetRequiredValue(name), ct);
            Output.Note($"Deleted network {parse.GetRequiredValue(name)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
