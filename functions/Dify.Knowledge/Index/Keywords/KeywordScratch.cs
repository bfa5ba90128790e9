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

    public KeywordHit[] Candidates { get; private set; } = [];

    public void EnsureCapacity(int slots)
    {
        if (Scores.Length >= slots) return;
        var size = Math.Max(slots, Scores.Length * 2);
        Scores = new double[size];
        Matched = new int[size];
        Touched = new int[size];
        Candidates = new KeywordHit[size];
    }
}
