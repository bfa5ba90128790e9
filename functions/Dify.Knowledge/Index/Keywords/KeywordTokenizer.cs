using System.Text;

namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// The tokenizer of the keyword index, for both chunks and queries. For Latin scripts it matches SQLite FTS5's
/// <c>unicode61 remove_diacritics 2</c>: words are runs of letters, numbers and private-use characters, lower-cased,
/// with accents removed (é→e, ǖ→u; ø, æ, ß, ł stay), everything else separates. Two differences, both deliberate:
/// Han ideographs, kana and hangul are one token per character (FTS5 keeps an unspaced sentence as one token), and a
/// word longer than <see cref="MaxTokenLength"/> UTF-16 units keeps only its first <see cref="MaxTokenLength"/>
/// (like the hashing embedder), so a base64 blob costs one bounded dictionary entry.
/// </summary>
internal static class KeywordTokenizer
{
    public const int MaxTokenLength = 64;

    /// <summary>Feeds every token of <paramref name="text"/> to <paramref name="sink"/>, in order; returns how many.</summary>
    public static int Tokenize<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : IKeywordSink, allows ref struct
    {
        Span<char> token = stackalloc char[MaxTokenLength];
        var fold = KeywordCharTable.Fold;
        var length = 0;
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var folded = fold[c];
            if (folded != 0)
            {
                if (length < MaxTokenLength) token[length++] = folded;
                continue;
            }
            switch (KeywordCharTable.Kind[c])
            {
                case KeywordCharTable.Dropped:
                    break; // an accent inside a word: the word goes on without it
                case KeywordCharTable.Cjk:
                    count += Flush(token, ref length, ref sink);
                    sink.Token(text.Slice(i, 1));
                    count++;
                    break;
                case KeywordCharTable.HighSurrogate when i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]):
                    count += Supplementary(new Rune(c, text[i + 1]), token, ref length, ref sink);
                    i++;
                    break;
                default:
                    count += Flush(token, ref length, ref sink);
                    break;
            }
        }
        return count + Flush(token, ref length, ref sink);
    }

    /// <summary>The tokens of <paramref name="text"/> as strings (queries and tests; indexing uses the sink form).</summary>
    public static List<string> Tokens(ReadOnlySpan<char> text)
    {
        var sink = new StringSink([]);
        Tokenize(text, ref sink);
        return sink.Tokens;
    }

    private static int Supplementary<TSink>(Rune rune, scoped Span<char> token, ref int length, ref TSink sink) where TSink : IKeywordSink, allows ref struct
    {
        if (KeywordCharTable.FoldSupplementary(rune) is not { } folded) return Flush(token, ref length, ref sink);
        if (KeywordCharTable.IsCjk(rune.Value))
        {
            var flushed = Flush(token, ref length, ref sink);
            Span<char> single = stackalloc char[2];
            sink.Token(single[..folded.EncodeToUtf16(single)]);
            return flushed + 1;
        }
        if (length + folded.Utf16SequenceLength <= MaxTokenLength) length += folded.EncodeToUtf16(token[length..]);
        return 0;
    }

    private static int Flush<TSink>(scoped Span<char> token, ref int length, ref TSink sink) where TSink : IKeywordSink, allows ref struct
    {
        if (length == 0) return 0;
        sink.Token(token[..length]);
        length = 0;
        return 1;
    }

    private readonly struct StringSink(List<string> tokens) : IKeywordSink
    {
        public List<string> Tokens => tokens;

        public void Token(scoped ReadOnlySpan<char> token) => tokens.Add(token.ToString());
    }
}
