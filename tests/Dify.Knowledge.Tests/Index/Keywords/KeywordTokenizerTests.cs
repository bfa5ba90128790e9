using System.Text;
using Dify.Knowledge.Index.Keywords;

namespace Dify.Knowledge.Tests.Index.Keywords;

public sealed class KeywordTokenizerTests
{
    public static TheoryData<int, int> LatinRanges => new()
    {
        { 0x0001, 0x007F }, // ASCII
        { 0x0080, 0x00FF }, // Latin-1 Supplement
        { 0x0100, 0x017F }, // Latin Extended-A
        { 0x0180, 0x024F }, // Latin Extended-B
        { 0x0300, 0x036F }, // combining accents (some glue words, some separate)
        { 0x1E00, 0x1EFF }, // Latin Extended Additional (Vietnamese)
    };

    [Theory]
    [MemberData(nameof(LatinRanges))]
    public void Every_code_point_tokenizes_like_fts5(int first, int last)
    {
        using var fts5 = new Fts5Oracle();
        var texts = new Dictionary<long, string>();
        for (var c = first; c <= last; c++)
        {
            var ch = ((char)c).ToString();
            // Alone, inside a word, and after a word: tells word characters, separators and glued accents apart.
            texts[c * 4] = ch;
            texts[c * 4 + 1] = "a" + ch + "b";
            texts[c * 4 + 2] = "x " + ch + "y";
            var upper = ch.ToUpperInvariant()[0]; // newer Unicode than FTS5's tables may upper-case outside these ranges
            texts[c * 4 + 3] = (upper <= 0x24F || upper is >= '\u1E00' and <= '\u1EFF' ? upper.ToString() : "") + ch + "Q";
        }
        fts5.InsertMany(texts.Select(t => (t.Key, t.Value)));
        var expected = fts5.Tokens();

        var mismatches = texts
            .Where(t => !KeywordTokenizer.Tokens(t.Value).SequenceEqual(expected.GetValueOrDefault(t.Key, [])))
            .Select(t => $"U+{t.Key / 4:X4} in \"{t.Value}\": ours [{string.Join(",", KeywordTokenizer.Tokens(t.Value))}] fts5 [{string.Join(",", expected.GetValueOrDefault(t.Key, []))}]")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    [Theory]
    [InlineData("Le garçon a mangé une crème brûlée au café, à côté de l'église.")]
    [InlineData("Die Straße in Köln führt über die Brücke nach Zürich; Ärger über Öl.")]
    [InlineData("El niño comió jalapeños mañana por la mañana en São Paulo.")]
    [InlineData("Łódź, Kraków i Gdańsk: źródło żółtej gęśli; Dvořák píše české písně.")]
    [InlineData("Ærøskøbing og Ålesund: øl, blåbær og Ångström.")]
    [InlineData("İstanbul'da ılık bir gün; ĳssel, Ŀlama, ŉ, ſtrong, Ħal Far, ĝis, Ŧest.")]
    [InlineData("Tiếng Việt có dấu: người, được, những, điều, Nguyễn Thị Ánh.")]
    [InlineData("Version 3.14.159_beta-2 (build #42) costs €12,50 or ½ of 2²; see e-mail@example.com.")]
    [InlineData("Combining: cafe\u0301 nai\u0308ve e\u0301te\u0301 a\u20DDb x\u0305y")]
    public void Accented_sentences_tokenize_like_fts5(string text)
    {
        using var fts5 = new Fts5Oracle();
        fts5.Insert(1, text);
        Assert.Equal(fts5.Tokens()[1], KeywordTokenizer.Tokens(text));
    }

    [Fact]
    public void Cjk_characters_are_one_token_each()
    {
        Assert.Equal(["中", "文", "字", "あ", "い", "カ", "ー", "한", "국", "어"], KeywordTokenizer.Tokens("中文字、あい。カー 한국어"));
        Assert.Equal(["abc", "中", "文", "def", "2024", "年"], KeywordTokenizer.Tokens("ABC中文def 2024年"));
        // A supplementary-plane ideograph (CJK extension B) is one token too, surrogate pair intact.
        Assert.Equal(["a", "\U00020000", "b"], KeywordTokenizer.Tokens("a\U00020000b"));
    }

    [Fact]
    public void Supplementary_letters_fold_and_symbols_separate()
    {
        // Deseret capital letter long I (U+10400) lower-cases to U+10428; an emoji separates like punctuation.
        Assert.Equal(["x\U00010428y", "z"], KeywordTokenizer.Tokens("X\U00010400Y\U0001F600z"));
        Assert.Equal(["a", "b"], KeywordTokenizer.Tokens("a\uD800b")); // a lone surrogate separates
    }

    [Fact]
    public void Long_words_keep_their_first_64_units()
    {
        var token = Assert.Single(KeywordTokenizer.Tokens(new string('x', 100) + "é"));
        Assert.Equal(new string('x', KeywordTokenizer.MaxTokenLength), token);
        Assert.Equal([new string('y', 64), "z"], KeywordTokenizer.Tokens(new string('Y', 70) + ".z"));
    }

    [Fact]
    public void Sink_sees_tokens_without_strings_and_count_is_returned()
    {
        var sink = new LengthSink(new StringBuilder());
        var count = KeywordTokenizer.Tokenize("One, two; THREE", ref sink);
        Assert.Equal(3, count);
        Assert.Equal("3|3|5|", sink.Lengths.ToString());
    }

    [Fact]
    public void Query_terms_drop_stopwords_unless_nothing_else_remains()
    {
        Assert.Equal(["cafe", "menu"], KeywordQuery.Terms("What is the CAFÉ menu? the menu"));
        Assert.Equal(["what", "is", "the"], KeywordQuery.Terms("what is the"));
        Assert.Equal(KeywordQuery.MaxTerms, KeywordQuery.Terms(string.Join(' ', Enumerable.Range(0, 50).Select(i => "w" + i))).Count);
    }

    private readonly struct LengthSink(StringBuilder lengths) : IKeywordSink
    {
        public StringBuilder Lengths => lengths;

        public void Token(scoped ReadOnlySpan<char> token) => lengths.Append(token.Length).Append('|');
    }
}
