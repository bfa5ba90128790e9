namespace Dify.Infra.Tests.Bicep;

/// <summary>
/// A Bicep file reduced to what text-level checks need: <see cref="Code"/> is the source with comments
/// and string literals blanked out (same length, newlines kept), so braces and identifiers can be matched
/// without being fooled by <c>'{'</c> in a string or <c>// }</c> in a comment. Interpolations
/// (<c>'${expr}'</c>) stay visible as code, so <c>x.outputs.y</c> inside them is still found.
/// </summary>
public sealed class BicepText
{
    public BicepText(string source)
    {
        Source = source;
        Code = Blank(source);
    }

    public string Source { get; }

    public string Code { get; }

    /// <summary>Index of the bracket closing the one at <paramref name="open"/> (any of {[( ), or -1.</summary>
    public int MatchingClose(int open)
    {
        var depth = 0;
        for (var i = open; i < Code.Length; i++)
        {
            switch (Code[i])
            {
                case '{' or '[' or '(':
                    depth++;
                    break;
                case '}' or ']' or ')':
                    depth--;
                    if (depth == 0)
                        return i;
                    break;
            }
        }
        return -1;
    }

    /// <summary>The first <c>{</c> at or after <paramref name="from"/> that is code, skipping <c>if (...)</c> and <c>[for x in y:</c>.</summary>
    public int NextObjectOpen(int from)
    {
        for (var i = from; i < Code.Length; i++)
        {
            if (Code[i] == '{')
                return i;
            if (Code[i] == '(')
            {
                var close = MatchingClose(i);
                if (close < 0)
                    return -1;
                i = close;
            }
        }
        return -1;
    }

    /// <summary>
    /// The keys written directly inside the object whose <c>{</c> is at <paramref name="open"/>, each with the
    /// position just after its colon. Keys of nested objects are not included.
    /// </summary>
    public IReadOnlyList<(string Key, int ValueStart)> TopLevelKeys(int open)
    {
        var close = MatchingClose(open);
        if (close < 0)
            throw new FormatException($"unbalanced '{{' at offset {open}");
        var keys = new List<(string, int)>();
        var depth = 0;
        var lineStart = true;
        for (var i = open + 1; i < close; i++)
        {
            var c = Code[i];
            if (c == '\n')
            {
                lineStart = true;
                continue;
            }
            if (lineStart && depth == 0 && !char.IsWhiteSpace(c))
            {
                lineStart = false;
                var key = ReadKey(i, out var colon);
                if (key is not null)
                {
                    keys.Add((key, colon + 1));
                    i = colon;
                    continue;
                }
            }
            if (!char.IsWhiteSpace(c))
                lineStart = false;
            if (c is '{' or '[' or '(')
                depth++;
            else if (c is '}' or ']' or ')')
                depth--;
        }
        return keys;
    }

    /// <summary>The value text of a key (from after the colon to the end of its line or its closing bracket).</summary>
    public string ValueText(int valueStart)
    {
        var i = valueStart;
        while (i < Code.Length && Code[i] is ' ' or '\t')
            i++;
        if (i < Code.Length && Code[i] is '{' or '[')
        {
            var close = MatchingClose(i);
            return Source[i..(close + 1)];
        }
        var end = Source.IndexOf('\n', i);
        return Source[i..(end < 0 ? Source.Length : end)].Trim();
    }

    private string? ReadKey(int at, out int colon)
    {
        colon = -1;
        var i = at;
        string key;
        if (Source[i] == '\'')
        {
            var end = Source.IndexOf('\'', i + 1);
            if (end < 0)
                return null;
            key = Source[(i + 1)..end];
            i = end + 1;
        }
        else if (char.IsLetter(Code[i]) || Code[i] == '_')
        {
            var start = i;
            while (i < Code.Length && (char.IsLetterOrDigit(Code[i]) || Code[i] == '_'))
                i++;
            key = Code[start..i];
        }
        else
        {
            return null;
        }
        while (i < Code.Length && Code[i] is ' ' or '\t')
            i++;
        if (i >= Code.Length || Code[i] != ':')
            return null;
        colon = i;
        return key;
    }

    private enum Mode { Code, String, MultiLineString, LineComment, BlockComment }

    /// <summary>Blanks comments and string contents; keeps the quotes of strings and interpolated expressions.</summary>
    private static string Blank(string s)
    {
        var chars = s.ToCharArray();
        // Each entry: the mode to return to, and for interpolations the code brace depth inside them.
        var stack = new Stack<(Mode Mode, int Depth)>();
        var mode = Mode.Code;
        var depth = 0;
        for (var i = 0; i < chars.Length; i++)
        {
            var c = s[i];
            var next = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (mode)
            {
                case Mode.Code:
                    if (c == '/' && next == '/')
                    {
                        mode = Mode.LineComment;
                        chars[i] = ' ';
                    }
                    else if (c == '/' && next == '*')
                    {
                        mode = Mode.BlockComment;
                        chars[i] = ' ';
                    }
                    else if (c == '\'' && s.AsSpan(i).StartsWith("'''"))
                    {
                        mode = Mode.MultiLineString;
                        i += 2;
                    }
                    else if (c == '\'')
                    {
                        mode = Mode.String;
                    }
                    else if (c == '{' && stack.Count > 0)
                    {
                        depth++;
                    }
                    else if (c == '}' && stack.Count > 0)
                    {
                        if (depth == 0)
                        {
                            chars[i] = ' '; // closes an interpolation
                            (mode, depth) = stack.Pop();
                        }
                        else
                        {
                            depth--;
                        }
                    }
                    break;
                case Mode.String:
                    if (c == '\\')
                    {
                        chars[i] = ' ';
                        if (i + 1 < chars.Length && s[i + 1] != '\n')
                            chars[++i] = ' ';
                    }
                    else if (c == '$' && next == '{')
                    {
                        chars[i] = ' ';
                        chars[++i] = ' ';
                        stack.Push((Mode.String, depth));
                        mode = Mode.Code;
                        depth = 0;
                    }
                    else if (c == '\'')
                    {
                        mode = Mode.Code;
                    }
                    else if (c != '\n')
                    {
                        chars[i] = ' ';
                    }
                    break;
                case Mode.MultiLineString:
                    if (s.AsSpan(i).StartsWith("'''"))
                    {
                        mode = Mode.Code;
                        i += 2;
                    }
                    else if (c != '\n')
                    {
                        chars[i] = ' ';
                    }
                    break;
                case Mode.LineComment:
                    if (c == '\n')
                        mode = Mode.Code;
                    else
                        chars[i] = ' ';
                    break;
                case Mode.BlockComment:
                    if (c == '*' && next == '/')
                    {
                        chars[i] = ' ';
                        chars[++i] = ' ';
                        mode = Mode.Code;
                    }
                    else if (c != '\n')
                    {
                        chars[i] = ' ';
                    }
                    break;
            }
        }
        return new string(chars);
    }
}
