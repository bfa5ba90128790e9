using Dify.Knowledge.Index.Keywords;

namespace Dify.Knowledge.Tests.Index.Keywords;

/// <summary>The keyword index against real SQLite FTS5: same matches, same BM25 scores, same ranking.</summary>
public sealed class KeywordIndexFts5ParityTests
{
    private const double Tolerance = 1e-9;

    [Fact]
    public void Scores_and_ranking_equal_fts5_through_removals_readds_and_compaction()
    {
        var corpus = new KeywordCorpus(seed: 7);
        var texts = new Dictionary<long, string>();
        for (var i = 0; i < 3000; i++) texts[i * 3 + 1] = corpus.Chunk();
        using var fts5 = new Fts5Oracle();
        fts5.InsertMany(texts.Select(t => (t.Key, t.Value)));
        using var neverCompacts = new KeywordIndex(compactionMinimum: long.MaxValue);
        neverCompacts.AddRange(texts.Select(t => (t.Key, t.Value)));
        using var alwaysCompacts = new KeywordIndex(compactionFraction: 0, compactionMinimum: 0);
        foreach (var (id, text) in texts) alwaysCompacts.Add(id, text);
        Assert.Equal(texts.Count, neverCompacts.Count);

        AssertQueriesMatch(corpus, texts, fts5, neverCompacts, alwaysCompacts);

        // Remove a fifth, replace a tenth with new text, add new ids.
        foreach (var id in texts.Keys.Where(_ => corpus.Next(5) == 0).ToList())
        {
            texts.Remove(id);
            fts5.Delete(id);
            Assert.True(neverCompacts.Remove(id));
            Assert.True(alwaysCompacts.Remove(id));
        }
        foreach (var id in texts.Keys.Where(_ => corpus.Next(10) == 0).Concat(Enumerable.Range(20_000, 300).Select(i => (long)i)).ToList())
        {
            var text = corpus.Chunk();
            if (texts.ContainsKey(id)) fts5.Delete(id);
            fts5.Insert(id, text);
            texts[id] = text;
            neverCompacts.Add(id, text);
            alwaysCompacts.Add(id, text);
        }
        Assert.False(neverCompacts.Remove(-5));
        Assert.Equal(texts.Count, neverCompacts.Count);
        Assert.Equal(texts.Count, alwaysCompacts.Count);
        Assert.True(neverCompacts.DeadPostings > 0);
        Assert.Equal(0, alwaysCompacts.DeadPostings);

        AssertQueriesMatch(corpus, texts, fts5, neverCompacts, alwaysCompacts);

        var termsBefore = neverCompacts.TermCount;
        neverCompacts.Compact();
        Assert.Equal(0, neverCompacts.DeadPostings);
        Assert.True(neverCompacts.TermCount <= termsBefore);
        Assert.Equal(alwaysCompacts.TermCount, neverCompacts.TermCount);
        AssertQueriesMatch(corpus, texts, fts5, neverCompacts, alwaysCompacts);
    }

    [Fact]
    public void Accented_and_cased_query_terms_find_the_same_rows_as_fts5()
    {
        var texts = new Dictionary<long, string>
        {
            [1] = "Le CAFÉ de la gare sert un café noir.",
            [2] = "cafe au lait, naïve art, résumé",
            [3] = "Straße und strasse; ØRE øre ore",
            [4] = "Nguyễn Thị Ánh và người Việt",
            [5] = "nothing here",
        };
        using var fts5 = new Fts5Oracle();
        fts5.InsertMany(texts.Select(t => (t.Key, t.Value)));
        using var index = new KeywordIndex();
        index.AddRange(texts.Select(t => (t.Key, t.Value)));
        foreach (var terms in new[] { ["Café"], ["CAFE", "naive"], ["straße"], ["Øre"], ["ore"], ["nguyen", "viet"], ["ANH"], new[] { "résumé", "gare" } })
            AssertSameAsFts5(texts, fts5.Scores(terms), index.Search(terms, _ => true, 100), terms);
    }

    private static void AssertQueriesMatch(KeywordCorpus corpus, Dictionary<long, string> texts, Fts5Oracle fts5, KeywordIndex first, KeywordIndex second)
    {
        for (var q = 0; q < 150; q++)
        {
            // One token per term, each token once: FTS5 would count a repeated phrase twice.
            var terms = corpus.Query(6).DistinctBy(t => KeywordTokenizer.Tokens(t)[0]).ToList();
            var expected = fts5.Scores(terms);
            var hits = first.Search(terms, _ => true, int.MaxValue);
            AssertSameAsFts5(texts, expected, hits, terms);
            Assert.Equal(hits, second.Search(terms, _ => true, int.MaxValue));
            var top = first.Search(terms, _ => true, 10);
            Assert.Equal(hits.Take(10), top);
        }
    }

    private static void AssertSameAsFts5(Dictionary<long, string> texts, Dictionary<long, double> expected, IReadOnlyList<KeywordHit> hits, IReadOnlyList<string> terms)
    {
        var query = string.Join(" OR ", terms);
        Assert.True(expected.Count == hits.Count, $"{query}: fts5 matched {expected.Count} rows, index {hits.Count}");
        var tokens = terms.SelectMany(t => KeywordTokenizer.Tokens(t)).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            Assert.True(expected.TryGetValue(hit.Id, out var score), $"{query}: row {hit.Id} is not an fts5 match");
            Assert.True(Math.Abs(hit.Score - score) <= Tolerance * score, $"{query}: row {hit.Id} scored {hit.Score:R}, fts5 {score:R}");
            Assert.Equal(KeywordTokenizer.Tokens(texts[hit.Id]).Where(tokens.Contains).Distinct().Count(), hit.MatchedTerms);
            if (i > 0) Assert.True(hits[i - 1].Score > hit.Score || (hits[i - 1].Score == hit.Score && hits[i - 1].Id < hit.Id), $"{query}: hits out of order at {i}");
        }
        // FTS5's own ORDER BY rank agrees with ours up to ties.
        var ours = hits.ToDictionary(h => h.Id, h => h.Score);
        var ranked = expected.Keys.ToList();
        for (var i = 1; i < ranked.Count; i++)
            Assert.True(ours[ranked[i - 1]] >= ours[ranked[i]] * (1 - Tolerance), $"{query}: fts5 ranks {ranked[i - 1]} above {ranked[i]}");
    }
}
