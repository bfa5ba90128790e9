using Dify.Knowledge.Embedding;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Index;

/// <summary>
/// A user query's search words for the Azure AI Search adapter (its full-text query and the share of query words a
/// chunk contains). Very common English words are left out unless nothing else remains, which keeps BM25 from
/// scoring every chunk of a large dataset. The embedded index uses <see cref="Keywords.KeywordQuery"/>, same rule.
/// </summary>
internal static class FullTextQuery
{
    private const int MaxTerms = 32;

    public static IReadOnlyList<string> Terms(string query)
    {
        var all = KeywordScorer.Tokenize(query).Distinct(StringComparer.Ordinal).Take(MaxTerms).ToList();
        var content = all.Where(t => !EnglishStopwords.Contains(t)).ToList();
        return content.Count > 0 ? content : all;
    }

    /// <summary>The share of <paramref name="terms"/> that occur in <paramref name="content"/>.</summary>
    public static double Coverage(IReadOnlyList<string> terms, string content)
    {
        if (terms.Count == 0) return 0;
        var words = KeywordScorer.Tokenize(content).ToHashSet(StringComparer.Ordinal);
        return terms.Count(words.Contains) / (double)terms.Count;
    }
}
