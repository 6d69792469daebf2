using System.CommandLine;
using System.Text.Json;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth network ...</c>: named L2 segments with NAPI's field names.</summary>
public static class NetworkCommands
{
    public static Command Build() =>
        Cli.Command("network", "List and create networks", List(), Get(), Create());

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
                Output.Table(["NAME", "NIC_TAG", "BRIDGE", "SUBNET", "GATEWAY", "VLAN", "RESOLVERS"],
                    [.. networks.Select(n => new[]
                    {
                        n.Name ?? "-", n.NicTag ?? "-", n.Bridge ?? "-", n.Subnet ?? "-", n.Gateway ?? "-",
                        n.VlanId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
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
        var gateway = new Option<string>("--gateway") { Description = "The gateway's IP", Required = true };
        var resolvers = new Option<string[]>("--resolver") { Description = "A DNS resolver for instances (repeatable)", AllowMultipleArgumentsPerToken = false };
        var vlan = new Option<int?>("--vlan-id") { Description = "An 802.1Q VLAN ID" };
        Command command = Cli.Command("create", "Create a network", name, nicTag, subnet, gateway, resolvers, vlan);
        command.OnRun(async (parse, client, ct) =>
        {
            string[] r = parse.GetValue(resolvers) ?? [];
            var network = new Network
            {
                Name = parse.GetRequiredValue(name),
                NicTag = parse.GetRequiredValue(nicTag),
                Subnet = parse.GetRequiredValue(subnet),
                Gateway = parse.GetRequiredValue(gateway),
                Resolvers = r.Length > 0 ? [.. r] : null,
                VlanId = parse.GetValue(vlan),
            };
            Network created = await client.CreateNetworkAsync(network, ct);
            Output.Note($"Created network {created.Name}");
            Show(parse, created);
            return ExitCodes.Ok;
        });
        return command;
    }
}
