namespace Dify.Knowledge.Splitting;

/// <summary>
/// The few Python string semantics Dify's splitter depends on: <c>len</c> counts code points (not UTF-16 units),
/// <c>str.strip()</c> and <c>str.isspace()</c> use Python's whitespace set, and <c>list(text)</c> yields code points.
/// </summary>
internal static class PyText
{
    /// <summary>Python's len(): UTF-16 length minus the low halves of surrogate pairs.</summary>
    public static int Len(ReadOnlySpan<char> text)
    {
        var first = text.IndexOfAnyInRange('\uDC00', '\uDFFF');
        if (first < 0) return text.Length;
        var length = text.Length;
        for (var i = Math.Max(1, first); i < text.Length; i++)
        {
            if (char.IsLowSurrogate(text[i]) && char.IsHighSurrogate(text[i - 1])) length--;
        }
        return length;
    }

    /// <summary>Python's str.isspace() for one character.</summary>
    public static bool IsSpace(char c) => c switch
    {
        ' ' or '\t' or '\n' or '\v' or '\f' or '\r' => true,
        >= '\x1c' and <= '\x1f' => true,
        '\x85' or '\xa0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };

    public static string Strip(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsSpace(text[start])) start++;
        while (end > start && IsSpace(text[end - 1])) end--;
        return start == 0 && end == text.Length ? text : text[start..end];
    }

    public static bool IsBlank(string text)
    {
        foreach (var c in text)
        {
            if (!IsSpace(c)) return false;
        }
        return true;
    }

    /// <summary>Python's list(text): one string per code point.</summary>
    public static List<string> CodePoints(string text)
    {
        var result = new List<string>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Add(text.Substring(i, 2));
                i++;
            }
            else
            {
                result.Add(text[i].ToString());
            }
        }
        return result;
    }

    /// <summary>str.split(separator) for a non-empty literal separator.</summary>
    public static List<string> Split(string text, string separator) => [.. text.Split(separator)];

    /// <summary>Splits on each occurrence of <paramref name="separator"/>, keeping it at the end of the piece before it.</summary>
    public static List<string> SplitKeepingSeparator(string text, string separator)
    {
        var result = new List<string>();
        var start = 0;
        while (true)
        {
            var found = text.IndexOf(separator, start, StringComparison.Ordinal);
            if (found < 0) break;
            result.Add(text[start..(found + separator.Length)]);
            start = found + separator.Length;
        }
        result.Add(text[start..]);
        return result;
    }
}
