using System.Text;

namespace Berth.Core.Firewall;

/// <summary>The whole of Berth's nftables state as one transaction: both tables dropped and made anew, atomically.</summary>
public static class NftRuleset
{
    public static string Compile(IReadOnlyList<FwRuleEntry> rules, IReadOnlyList<FwInstance> instances)
    {
        var text = new StringBuilder();
        // "add" makes the delete safe when a table does not exist yet; nft -f applies the file as one transaction.
        text.Append("add table bridge ").Append(AntiSpoofCompiler.Table).Append('\n')
            .Append("delete table bridge ").Append(AntiSpoofCompiler.Table).Append('\n')
            .Append("add table inet ").Append(FirewallCompiler.Table).Append('\n')
            .Append("delete table inet ").Append(FirewallCompiler.Table).Append('\n')
            .Append(AntiSpoofCompiler.Compile(instances))
            .Append(FirewallCompiler.Compile(rules, instances));
        return text.ToString();
    }

    /// <summary>Removes Berth's tables (nothing of Berth stays in the ruleset).</summary>
    public static string Remove() =>
        $"add table bridge {AntiSpoofCompiler.Table}\ndelete table bridge {AntiSpoofCompiler.Table}\n"
        + $"add table inet {FirewallCompiler.Table}\ndelete table inet {FirewallCompiler.Table}\n";
}
