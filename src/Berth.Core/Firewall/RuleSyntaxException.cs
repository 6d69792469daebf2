using Berth.Api.Contracts;

namespace Berth.Core.Firewall;

/// <summary>A rule that does not parse: says what was expected, what was found, and where (1-based character position).</summary>
public sealed class RuleSyntaxException : BerthException
{
    public RuleSyntaxException(string rule, int offset, string problem)
        : base(ErrorKind.InvalidArgument, Describe(rule, offset, problem), [new PropertyError("rule", Describe(rule, offset, problem))])
    {
        Position = offset + 1;
        Problem = problem;
    }

    /// <summary>1-based character position of the offending token in the rule text.</summary>
    public int Position { get; }

    /// <summary>The problem without the position: "expected ALLOW or BLOCK, found \"ALOW\"".</summary>
    public string Problem { get; }

    private static string Describe(string rule, int offset, string problem) =>
        $"{problem} at position {offset + 1}: {rule[..Math.Min(offset, rule.Length)]}\u00bb{rule[Math.Min(offset, rule.Length)..]}";
}
