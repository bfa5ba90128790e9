namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>.properties: "key=value" / "key:value" lines become "key: value"; comments and blanks stay (trimmed).</summary>
internal static class PropertiesText
{
    public static string Extract(byte[] bytes)
    {
        var text = TextDecoding.Decode(bytes).ReplaceLineEndings("\n");
        var lines = text.Split('\n');
        // Python's splitlines(): a final newline does not start another line.
        if (text.EndsWith('\n')) lines = lines[..^1];
        return string.Join("\n", lines.Select(FormatLine));
    }

    private static string FormatLine(string line)
    {
        var s = line.Trim();
        if (s.Length == 0 || s[0] is '#' or '!') return s;
        var eq = s.IndexOf('=');
        var at = eq >= 0 ? eq : s.IndexOf(':');
        return at < 0 ? $"{s}: " : $"{s[..at].Trim()}: {s[(at + 1)..].Trim()}";
    }
}
