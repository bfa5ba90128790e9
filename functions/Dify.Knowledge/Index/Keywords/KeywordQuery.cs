using Dify.Knowledge.Embedding;

namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// A user query's search terms for <see cref="KeywordIndex.Search"/>: its distinct tokens (same tokenizer as the
/// index), at most <see cref="MaxTerms"/>. Very common English words are left out unless nothing else remains, which
/// keeps BM25 from scoring every chunk of a large dataset (the rule of <see cref="FullTextQuery"/>).
/// </summary>
internal static class KeywordQuery
{
    public const int MaxTerms = 32;

    public static IReadOnlyList<string> Terms(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var all = KeywordTokenizer.Tokens(query).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
        var content = all.Where(t => !EnglishStopwords.Contains(t)).ToList();
        return content.Count > 0 ? content : all;
    }
}
