using System.CommandLine;
using Berth.Api.Contracts;

namespace Berth.Cli;

/// <summary><c>berth fw ...</c>: fwadm's rules and verbs.</summary>
public static class FwCommands
{
    private static Argument<string> RuleId() => new("UUID") { Description = "The rule: its UUID or a unique UUID prefix" };

    private static Argument<string[]> RuleIds() => new("UUID") { Description = "Rules: UUIDs or unique UUID prefixes", Arity = ArgumentArity.OneOrMore };

    private static Argument<string[]> RuleText(ArgumentArity arity) => new("RULE")
    {
        Description = "The rule in fwadm's language, as one argument or several words: FROM any TO all vms ALLOW tcp PORT 22",
        Arity = arity,
    };

    public static Command Build() =>
        Cli.Command("fw", "Firewall rules in fwadm's language (they apply to instances with firewall_enabled)",
            Add(), List(), Get(), Update(), Toggle("enable", true), Toggle("disable", false), Delete(), Vms(), Rules());

    private static Command Add()
    {
        Argument<string[]> rule = RuleText(ArgumentArity.OneOrMore);
        var enable = new Option<bool>("--enable", "-e") { Description = "Enable the rule at once (a new rule is disabled otherwise, as in fwadm)" };
        var description = new Option<string?>("--description", "-d") { Description = "A note on the rule" };
        Command command = Cli.Command("add", "Add a rule; prints its UUID", rule, enable, description);
        command.OnRun(async (parse, client, ct) =>
        {
            FirewallRule added = await client.AddFirewallRuleAsync(new FirewallRuleRequest
            {
                Rule = string.Join(' ', parse.GetRequiredValue(rule)),
                Enabled = parse.GetValue(enable),
                Description = parse.GetValue(description),
            }, ct);
            Show(parse, added, uuidOnly: true);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        Command command = Cli.Command("list", "List rules");
        command.Aliases.Add("ls");
        command.OnRun(async (parse, client, ct) =>
        {
            Table(parse, await client.ListFirewallRulesAsync(ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        Argument<string> id = RuleId();
        Command command = Cli.Command("get", "Show one rule", id);
        command.OnRun(async (parse, client, ct) =>
        {
            Show(parse, await client.GetFirewallRuleAsync(parse.GetRequiredValue(id), ct), uuidOnly: false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Update()
    {
        Argument<string> id = RuleId();
        Argument<string[]> rule = RuleText(ArgumentArity.ZeroOrMore);
        var description = new Option<string?>("--description", "-d") { Description = "A new note on the rule" };
        Command command = Cli.Command("update", "Change a rule's text or description (enable and disable change whether it applies)", id, rule, description);
        command.OnRun(async (parse, client, ct) =>
        {
            string[] words = parse.GetValue(rule) ?? [];
            string? note = parse.GetValue(description);
            if (words.Length == 0 && note is null)
            {
                throw new UsageException("give the new rule text, or -d DESCRIPTION");
            }

            FirewallRule updated = await client.UpdateFirewallRuleAsync(parse.GetRequiredValue(id),
                new FirewallRuleRequest { Rule = words.Length > 0 ? string.Join(' ', words) : null, Description = note }, ct);
            Show(parse, updated, uuidOnly: false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Toggle(string verb, bool enable)
    {
        Argument<string[]> ids = RuleIds();
        Command command = Cli.Command(verb, enable ? "Enable rules: apply them to instances" : "Disable rules: keep them without applying them", ids);
        command.OnRun(async (parse, client, ct) =>
        {
            foreach (string id in parse.GetRequiredValue(ids))
            {
                FirewallRule rule = enable ? await client.EnableFirewallRuleAsync(id, ct) : await client.DisableFirewallRuleAsync(id, ct);
                Output.Note($"{(enable ? "Enabled" : "Disabled")} rule {rule.Uuid}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        Argument<string[]> ids = RuleIds();
        Command command = Cli.Command("delete", "Delete rules", ids);
        command.Aliases.Add("rm");
        command.OnRun(async (parse, client, ct) =>
        {
            foreach (string id in parse.GetRequiredValue(ids))
            {
                await client.DeleteFirewallRuleAsync(id, ct);
                Output.Note($"Deleted rule {id}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Vms()
    {
        Argument<string> id = RuleId();
        Command command = Cli.Command("vms", "List the UUIDs of the instances a rule names", id);
        command.OnRun(async (parse, client, ct) =>
        {
            List<string> uuids = await client.ListFirewallRuleVmsAsync(parse.GetRequiredValue(id), ct);
            if (parse.GetValue(Cli.Json))
            {
                Output.Json(uuids, BerthJson.Default.ListString);
            }
            else
            {
                uuids.ForEach(Console.Out.WriteLine);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rules()
    {
        var vm = new Argument<string>("ID") { Description = "The instance: a UUID, a unique UUID prefix or a unique alias" };
        Command command = Cli.Command("rules", "List the rules that name an instance", vm);
        command.OnRun(async (parse, client, ct) =>
        {
            Table(parse, await client.ListFirewallRulesForVmAsync(parse.GetRequiredValue(vm), ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Table(ParseResult parse, List<FirewallRule> rules)
    {
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(rules, BerthJson.Default.ListFirewallRule);
            return;
        }

        Output.Table(["UUID", "ENABLED", "RULE"],
            [.. rules.Select(r => new[] { r.Uuid ?? "-", r.Enabled == true ? "true" : "false", r.Rule ?? "-" })]);
    }

    private static void Show(ParseResult parse, FirewallRule rule, bool uuidOnly)
    {
        if (parse.GetValue(Cli.Json))
        {
            Output.Json(rule, BerthJson.Default.FirewallRule);
        }
        else if (uuidOnly)
        {
            Console.Out.WriteLine(rule.Uuid);
        }
        else
        {
            Output.Properties(System.Text.Json.JsonSerializer.SerializeToElement(rule, BerthJson.Default.FirewallRule));
        }
    }
}
