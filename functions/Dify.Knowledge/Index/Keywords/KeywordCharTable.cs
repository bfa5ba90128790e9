using System.Globalization;
using System.Text;

namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// Per-UTF-16-unit lookup tables for <see cref="KeywordTokenizer"/>, built once: the folded form of every word
/// character of the Basic Multilingual Plane (0 for anything else), and what a non-word unit does to the current word.
/// Word characters follow FTS5's unicode61 default: letters, numbers and private-use characters.
/// </summary>
internal static class KeywordCharTable
{
    public const byte Separator = 0;
    public const byte Dropped = 1;
    public const byte Cjk = 2;
    public const byte HighSurrogate = 3;

    /// <summary>Folded (lower-cased, accent-stripped) unit for a word character; 0 when the unit is not one.</summary>
    public static readonly char[] Fold = BuildFold();

    /// <summary>For units whose <see cref="Fold"/> is 0: <see cref="Separator"/>, <see cref="Dropped"/>, <see cref="Cjk"/> or <see cref="HighSurrogate"/>.</summary>
    public static readonly byte[] Kind = BuildKind();

    public static bool IsWordCategory(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
        or UnicodeCategory.PrivateUse;

    /// <summary>
    /// Han ideographs, kana and hangul: scripts written without spaces between words, so each character is its own
    /// token (FTS5 would make a whole unspaced sentence one token, useless for search).
    /// </summary>
    public static bool IsCjk(int codePoint) => codePoint switch
    {
        >= 0x1100 and <= 0x11FF => true,   // Hangul Jamo
        >= 0x3005 and <= 0x3007 => true,   // 々 〆 〇
        >= 0x3021 and <= 0x3029 => true,   // Hangzhou numerals
        >= 0x3031 and <= 0x3035 => true,   // kana repeat marks
        >= 0x303B and <= 0x303C => true,
        >= 0x3040 and <= 0x30FF => true,   // Hiragana, Katakana
        >= 0x3100 and <= 0x31BF => true,   // Bopomofo, Hangul compatibility Jamo
        >= 0x31F0 and <= 0x31FF => true,   // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true,   // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0xA960 and <= 0xA97F => true,   // Hangul Jamo extended A
        >= 0xAC00 and <= 0xD7FF => true,   // Hangul syllables, Jamo extended B
        >= 0xF900 and <= 0xFAFF => true,   // CJK compatibility ideographs
        >= 0xFF66 and <= 0xFFDC => true,   // half-width Katakana and Hangul
        >= 0x1B000 and <= 0x1B2FF => true, // Kana supplement and extensions
        >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and later
        _ => false,
    };

    /// <summary>The folded form of a supplementary-plane word character, or null when it is not a word character.</summary>
    public static Rune? FoldSupplementary(Rune rune) =>
        IsWordCategory(Rune.GetUnicodeCategory(rune)) ? Rune.ToLowerInvariant(rune) : null;

    private static char[] BuildFold()
    {
        var fold = new char[char.MaxValue + 1];
        for (var c = 1; c <= char.MaxValue; c++)
        {
            var ch = (char)c;
            if (char.IsSurrogate(ch) || IsCjk(c) || !IsWordCategory(char.GetUnicodeCategory(ch))) continue;
            fold[c] = char.ToLowerInvariant(ch);
        }
        foreach (var (target, sources) in LatinFolds.Groups)
            foreach (var source in sources)
                fold[source] = target;
        return fold;
    }

    private static byte[] BuildKind()
    {
        var kind = new byte[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var ch = (char)c;
            if (char.IsHighSurrogate(ch)) kind[c] = HighSurrogate;
            else if (!char.IsSurrogate(ch) && IsCjk(c) && IsWordCategory(char.GetUnicodeCategory(ch))) kind[c] = Cjk;
        }
        foreach (var mark in LatinFolds.DroppedMarks) kind[mark] = Dropped;
        return kind;
    }
}
