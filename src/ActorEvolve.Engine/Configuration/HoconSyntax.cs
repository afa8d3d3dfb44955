namespace ActorEvolve.Engine.Configuration;

/// <summary>
/// Structural checks Akka's HOCON parser does not make: it silently accepts an unclosed brace or bracket, a
/// stray closer and a key with no value, which would turn a typo into a run with the wrong settings.
/// </summary>
public static class HoconSyntax
{
    /// <summary>The first structural error, as "line N: what", or null.</summary>
    public static string? FindError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"':
                    var triple = string.CompareOrdinal(text, i, "\"\"\"", 0, 3) == 0;
                    var end = triple ? text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal) : QuotedEnd(text, i);
                    if (end < 0) return $"line {line}: unterminated string";
                    line += text.AsSpan(i, end - i).Count('\n');
                    i = end + (triple ? 2 : 0);
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0) return $"line {line}: '{c}' closes nothing";
                    var (bracket, openedAt) = open.Pop();
                    if (bracket != expected) return $"line {line}: '{c}' closes the '{bracket}' opened on line {openedAt}";
                    break;
                case '=' or ':' when MissingValue(text, i):
                    return $"line {line}: a key has no value";
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
