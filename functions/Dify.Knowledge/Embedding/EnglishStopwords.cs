namespace Dify.Knowledge.Embedding;

/// <summary>Very common English words: weighed down by the embedded embedder and left out of full-text queries.</summary>
internal static class EnglishStopwords
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "was", "were", "be", "been",
        "it", "its", "this", "that", "as", "at", "by", "from", "how", "what", "which", "do", "does", "can", "i", "you",
        "we", "my", "your", "our", "not", "no", "if", "then", "so", "but", "about", "into", "when", "where", "who", "why",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The longest stopword's length.</summary>
    public static readonly int MaxLength = Words.Max(w => w.Length);

    public static IEnumerable<string> All => Words;

    public static bool Contains(string word) => Words.Contains(word);

    public static bool Contains(ReadOnlySpan<char> word) => word.Length <= MaxLength && Lookup.Contains(word);
}
