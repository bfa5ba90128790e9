using Dify.Knowledge.Index.Keywords;

namespace Dify.Knowledge.Tests.Index.Keywords;

public sealed class KeywordIndexTests
{
    [Fact]
    public void Filters_still_return_n_allowed_hits_when_the_best_are_disallowed()
    {
        using var index = new KeywordIndex();
        index.AddRange(Enumerable.Range(1, 2000).Select(i => ((long)i, "common " + string.Concat(Enumerable.Repeat("rare ", i % 7)) + "filler words " + i)));
        var all = index.Search(["common", "rare"], _ => true, int.MaxValue);
        Assert.Equal(2000, all.Count);

        var calls = 0;
        bool Allowed(long id)
        {
            calls++;
            return id % 10 == 3;
        }
        var hits = index.Search(["common", "rare"], Allowed, 25);
        var asked = calls;
        Assert.Equal(all.Where(h => Allowed(h.Id)).Take(25), hits);
        Assert.Equal(25, hits.Count);
        Assert.All(hits, h => Assert.Equal(3, h.Id % 10));
        // allowed is asked about the leading candidates only, not about every match.
        Assert.InRange(asked, 25, all.Count / 2);

        Assert.Empty(index.Search(["common"], _ => false, 10));
        Assert.Equal(200, index.Search(["common"], id => id % 10 == 3, 500).Count);
    }

    [Fact]
    public void Re_adding_an_id_replaces_its_text_and_remove_forgets_it()
    {
        using var index = new KeywordIndex();
        index.Add(1, "apples and oranges");
        index.Add(2, "pears");
        index.Add(1, "bananas");
        Assert.Equal(2, index.Count);
        Assert.Empty(index.Search(["apples"], _ => true, 10));
        Assert.Equal(1, Assert.Single(index.Search(["bananas", "kiwis"], _ => true, 10)).Id);
        Assert.True(index.Remove(1));
        Assert.False(index.Remove(1));
        Assert.Empty(index.Search(["bananas"], _ => true, 10));
        Assert.Equal(1, index.Count);
        index.Clear();
        Assert.Equal(0, index.Count);
        Assert.Empty(index.Search(["pears"], _ => true, 10));
        index.Add(7, "pears again");
        Assert.Equal(7, Assert.Single(index.Search(["PEARS"], _ => true, 10)).Id);
    }

    [Fact]
    public void Multi_word_terms_count_as_their_words_and_matched_terms_counts_distinct_tokens()
    {
        using var index = new KeywordIndex();
        index.Add(10, "state-of-the-art search engine");
        index.Add(11, "search search search");
        var hits = index.Search(["State-of-the-art", "SEARCH", "search"], _ => true, 10);
        Assert.Equal([10L, 11L], hits.Select(h => h.Id).Order());
        Assert.Equal(5, hits.Single(h => h.Id == 10).MatchedTerms); // state, of, the, art, search
        Assert.Equal(1, hits.Single(h => h.Id == 11).MatchedTerms);
        Assert.Empty(index.Search(["", "--"], _ => true, 10));
        Assert.Empty(index.Search(["search"], _ => true, 0));
    }

    [Fact]
    public void Chinese_and_japanese_queries_match_by_character()
    {
        using var index = new KeywordIndex();
        index.Add(1, "机器学习是人工智能的一个分支。");
        index.Add(2, "東京は日本の首都です。");
        index.Add(3, "深度学习需要大量数据");
        var learning = index.Search(KeywordQuery.Terms("学习"), _ => true, 10);
        Assert.Equal([1L, 3L], learning.Select(h => h.Id).Order());
        Assert.All(learning, h => Assert.Equal(2, h.MatchedTerms));
        Assert.Equal(2, Assert.Single(index.Search(KeywordQuery.Terms("日本の首都"), _ => true, 10)).Id);
    }

    [Fact]
    public async Task Readers_see_consistent_results_while_a_writer_adds_removes_and_compacts()
    {
        var corpus = new KeywordCorpus(seed: 11);
        var stable = Enumerable.Range(1, 1500).ToDictionary(i => (long)i, i => (i % 5 == 0 ? "stablemark " : "") + corpus.Chunk());
        var stableMarked = stable.Keys.Where(id => id % 5 == 0).ToHashSet();
        using var index = new KeywordIndex(compactionFraction: 0.05, compactionMinimum: 64);
        index.AddRange(stable.Select(s => (s.Key, s.Value)));
        var volatileTexts = new Dictionary<long, string>();
        var queries = Enumerable.Range(0, 20).Select(_ => corpus.Query(4)).ToList();
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            var random = new Random(3);
            try
            {
                for (var op = 0; op < 4000; op++)
                {
                    var id = 100_000L + random.Next(300);
                    if (random.Next(3) == 0)
                    {
                        index.Remove(id);
                        volatileTexts.Remove(id);
                    }
                    else
                    {
                        var text = "volatile " + string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => "w" + random.Next(500)));
                        index.Add(id, text);
                        volatileTexts[id] = text;
                    }
                }
            }
            finally
            {
                stop.Cancel();
            }
        });
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(() =>
        {
            var searches = 0;
            while (!stop.IsCancellationRequested || searches < 20)
            {
                var marked = index.Search(["stablemark"], _ => true, int.MaxValue);
                Assert.True(stableMarked.SetEquals(marked.Select(h => h.Id)), "the stable chunks' matches changed under a writer");
                var moving = index.Search(["volatile"], _ => true, int.MaxValue);
                Assert.All(moving, h => Assert.InRange(h.Id, 100_000, 100_299));
                Assert.All(moving, h => Assert.Equal(1, h.MatchedTerms));
                var hits = index.Search(queries[(r + searches) % queries.Count], _ => true, 20);
                for (var i = 1; i < hits.Count; i++) Assert.True(hits[i - 1].Score >= hits[i].Score);
                searches++;
            }
            return searches;
        })).ToArray();
        await writer.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.All(await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(2)), searches => Assert.True(searches >= 20));

        // The end state ranks exactly like an index built from scratch with the same chunks.
        using var fresh = new KeywordIndex();
        fresh.AddRange(stable.Concat(volatileTexts).Select(s => (s.Key, s.Value)));
        Assert.Equal(fresh.Count, index.Count);
        foreach (var terms in queries.Append(["volatile", "w7"]))
        {
            var expected = fresh.Search(terms, _ => true, 50);
            var actual = index.Search(terms, _ => true, 50);
            Assert.Equal(expected.Select(h => (h.Id, h.MatchedTerms)), actual.Select(h => (h.Id, h.MatchedTerms)));
            Assert.All(expected.Zip(actual), p => Assert.Equal(p.First.Score, p.Second.Score, 1e-12));
        }
    }
}
