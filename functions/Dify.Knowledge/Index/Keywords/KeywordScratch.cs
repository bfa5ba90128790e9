namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// One search's working arrays, indexed by chunk ordinal, reused across searches: the index keeps a few and hands
/// each concurrent search its own. Entries a search touched are zeroed again before the scratch goes back, so no
/// search ever clears a whole array.
/// </summary>
internal sealed class KeywordScratch
{
    public double[] Scores { get; private set; } = [];

    public int[] Matched { get; private set; } = [];

    /// <summary>Ordinals with a non-zero score, in the order first reached.</summary>
    public int[] Touched { get; private set; } = [];

    /// <summary>The hits of the last search, built from the touched ordinals.</summary>
    public KeywordHit[] Candidates { get; private set; } = [];

    /// <summary><see cref="Candidates"/> with room for <paramref name="count"/> hits (sized by matches, not by chunks).</summary>
    public KeywordHit[] CandidatesFor(int count)
    {
        if (Candidates.Length < count) Candidates = new KeywordHit[Math.Max(count, Candidates.Length * 2)];
        return Candidates;
    }

    public void EnsureCapacity(int slots)
    {
        if (Scores.Length >= slots) return;
        var size = Math.Max(slots, Scores.Length * 2);
        Scores = new double[size];
        Matched = new int[size];
        Touched = new int[size];
    }
}
