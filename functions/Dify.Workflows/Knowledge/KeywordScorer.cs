namespace Dify.Workflows.Knowledge;

/// <summary>
/// Full-text score in 0..1: BM25 over the searched chunks, scaled by the best hit, times the share of the
/// query's distinct terms the chunk contains, so a chunk matching every term scores near 1 and no match scores 0.
/// </summary>
public static class KeywordScorer
{
    private const double K1 = 1.5;
    private const double B = 0.75;

    public static double[] Score(string query, IReadOnlyList<string> documents)
    {
        var terms = Tokenize(query).Distinct().ToList();
        var scores = new double[documents.Count];
        if (terms.Count == 0 || documents.Count == 0) return scores;

        var docs = documents.Select(d => Tokenize(d).ToList()).ToList();
        var average = Math.Max(1, docs.Average(d => d.Count));
        var coverage = new double[documents.Count];
        foreach (var term in terms)
        {
            var df = docs.Count(d => d.Contains(term));
            if (df == 0) continue;
            var idf = Math.Log(1 + (docs.Count - df + 0.5) / (df + 0.5));
            for (var i = 0; i < docs.Count; i++)
            {
                var tf = docs[i].Count(t => t == term);
                if (tf == 0) continue;
                coverage[i] += 1.0 / terms.Count;
                scores[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * docs[i].Count / average));
            }
        }
        var max = scores.Max();
        for (var i = 0; i < scores.Length; i++) scores[i] = max <= 0 ? 0 : scores[i] / max * coverage[i];
        return scores;
    }

    /// <summary>Lower-cased runs of letters and digits.</summary>
    public static IEnumerable<string> Tokenize(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
