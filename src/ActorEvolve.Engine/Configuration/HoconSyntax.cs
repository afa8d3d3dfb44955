namespace ActorEvolve.Engine.Configuration;

/// <summary>
/// Structural checks Akka's HOCON parser does not make: it silently accepts an unclosed brace or bracket, a
/// stray closer and a key with no value, which would turn a typo into a run with the wrong settings, and it loops
/// forever on a key = value or a character HOCON wants quoted (\, ^, ?, !, @, *, &amp;, `, $) inside a list.
/// </summary>
public static class HoconSyntax
{
    /// <summary>The first structural error, as "line N: what", or null.</summary>
    public static string? FindError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        var inValue = false; // after a key's = or :, until the entry ends
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    inValue = false;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"':
                    var triple = string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0;
                    // Akka reads a key's """ as quoted strings, and what this scan takes for the text inside as
                    // HOCON: the two would disagree about what is a list.
                    if (triple && !inValue && !InList(open))
                        return $"line {line}: a key cannot be a triple-quoted string";
                    if (string.CompareOrdinal(text, i, "\"\"\"\"", 0, 4) == 0)
                        return $"line {line}: four quotes in a row: write the quote inside the string as \\\"";
                    var end = triple ? text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) : QuotedEnd(text, i);
                    if (end < 0) return $"line {line}: unterminated string";
                    line += text.AsSpan(i, end - i).Count('\n');
                    i = end + (triple ? 2 : 0);
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    inValue &= c == '[';
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0) return $"line {line}: '{c}' closes nothing";
                    var (bracket, openedAt) = open.Pop();
                    if (bracket != expected)
                        return $"line {line}: '{c}' closes the '{bracket}' opened on line {openedAt}";
                    inValue &= c == ']';
                    break;
                // In a list, Akka's parser adds empty values forever on these, until memory runs out.
                case '=' or ':' when InList(open) && StartsToken(text, i):
                    return $"line {line}: '{c}' inside a list [ ... ]: a list holds values, not key {c} value";
                case '\\' or '^' or '?' or '!' or '@' or '*' or '&' or '`' or '$' when InList(open) &&
                                                                                 !IsSubstitution(text, i):
                    return $"line {line}: '{c}' inside a list [ ... ] must be inside quotes";
                case '$' when IsSubstitution(text, i):
                    var close = text.IndexOf('}', i);
                    if (close < 0 || !SubstitutionPath.IsMatch(text[(i + 2)..close]))
                        return $"line {line}: ${{...}} must name a setting, such as ${{actorevolve.seed}}";
                    i = close;
                    break;
                case '=' or ':' when MissingValue(text, i):
                    return $"line {line}: a key has no value";
                case '=' or ':' when !inValue && !InList(open) && NoKeyBefore(text, i):
                    return $"line {line}: '{c}' has no key before it";
                case '=' or ':':
                    inValue = true;
                    break;
                case ',' when !InList(open):
                    inValue = false;
                    break;
            }
        }
        return open.Count > 0 ? $"line {open.Peek().Line}: '{open.Peek().Bracket}' is never closed" : null;
    }

    static int QuotedEnd(string text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') i++;
            else if (text[i] == '"') return i;
            else if (text[i] == '\n') return -1;
        }
        return -1;
    }

    /// <summary>What may stand between ${ and }: a path, optionally marked ? (an environment variable or a setting
    /// that may be missing). Anything else, in a list, is another text Akka's parser loops on.</summary>
    static readonly System.Text.RegularExpressions.Regex SubstitutionPath =
        new(@"^\??[A-Za-z0-9_.\-]+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Whether nothing but blanks stands between the entry's start (a line, a brace, a comma) and
    /// <paramref name="index"/>.</summary>
    static bool NoKeyBefore(string text, int index)
    {
        var before = index - 1;
        while (before >= 0 && text[before] is ' ' or '\t' or '\r') before--;
        return before < 0 || text[before] is '\n' or '{' or ',';
    }

    static bool InList(Stack<(char Bracket, int Line)> open) => open.Count > 0 && open.Peek().Bracket == '[';

    static bool IsSubstitution(string text, int index) =>
        text[index] == '$' && index + 1 < text.Length && text[index + 1] == '{';

    /// <summary>Whether the character at <paramref name="index"/> begins a token: after a blank, a comma or an
    /// opening bracket (inside an unquoted value such as <c>a:b</c> it does not).</summary>
    static bool StartsToken(string text, int index) =>
        index == 0 || text[index - 1] is ' ' or '\t' or '\n' or '\r' or ',' or '[';

    /// <summary>"key =" followed by nothing but blanks up to the end of the line, a closer or the end of text.
    /// (A ':' inside an unquoted value such as a URL is followed by text, so it is not flagged.)</summary>
    static bool MissingValue(string text, int separator)
    {
        for (var i = separator + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c is ' ' or '\t') continue;
            return c is '\n' or '\r' or '}' or ']' or ',' or '#';
        }
        return true;
    }
}
