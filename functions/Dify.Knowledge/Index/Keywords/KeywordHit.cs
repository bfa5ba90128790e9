namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// A chunk found by <see cref="KeywordIndex.Search"/>: its row id, its BM25 score (FTS5's <c>-bm25()</c> for the same
/// OR query) and how many distinct query tokens it contains (coverage without re-reading the content).
/// </summary>
internal readonly record struct KeywordHit(long Id, double Score, int MatchedTerms);
