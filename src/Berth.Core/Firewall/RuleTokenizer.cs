using System.Text;

namespace Berth.Core.Firewall;

public enum TokenKind
{
    /// <summary>A run of characters other than blanks and <c>( ) , = "</c>: keywords, numbers, addresses, UUIDs.</summary>
    Word,
    /// <summary>A double-quoted string (tag names and values with spaces); Text is its content.</summary>
    Quoted,
    LParen,
    RParen,
    Comma,
    Equals,
    End,
}

/// <param name="Offset">0-based character offset of the token in the rule</param>
public readonly record struct Token(TokenKind Kind, string Text, int Offset)
{
    /// <summary>The token as an error message shows it.</summary>
    public string Shown => Kind == TokenKind.End ? "the end of the rule" : $"\"{Text}\"";

    public bool Is(string keyword) => Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Splits a rule into tokens, each with its offset so that errors can point at it.</summary>
public static class RuleTokenizer
{
    public static bool IsWordChar(char c) => !char.IsWhiteSpace(c) && c is not ('(' or ')' or ',' or '=' or '"');

    public static List<Token> Tokenize(string rule)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < rule.Length)
        {
            char c = rule[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            TokenKind? single = c switch
            {
                '(' => TokenKind.LParen,
                ')' => TokenKind.RParen,
                ',' => TokenKind.Comma,
                '=' => TokenKind.Equals,
                _ => null,
            };
            if (single is TokenKind kind)
            {
                tokens.Add(new Token(kind, c.ToString(), i++));
            }
            else if (c == '"')
            {
                i = ReadQuoted(rule, i, tokens);
            }
            else
            {
                int start = i;
                while (i < rule.Length && IsWordChar(rule[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, rule[start..i], start));
            }
        }

        tokens.Add(new Token(TokenKind.End, "", rule.Length));
        return tokens;
    }

    // A quoted string: \" and \\ are the only escapes; it must end on the same rule.
    private static int ReadQuoted(string rule, int start, List<Token> tokens)
    {
        var text = new StringBuilder();
        int i = start + 1;
        while (i < rule.Length && rule[i] != '"')
        {
            if (rule[i] == '\\' && i + 1 < rule.Length && rule[i + 1] is '"' or '\\')
            {
                i++;
            }

            text.Append(rule[i++]);
        }

        if (i >= rule.Length)
        {
            throw new RuleSyntaxException(rule, start, "unterminated quoted string (a closing \" is missing)");
        }

        tokens.Add(new Token(TokenKind.Quoted, text.ToString(), start));
        return i + 1;
    }
}
