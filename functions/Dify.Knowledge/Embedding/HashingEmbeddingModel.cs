using System.Numerics.Tensors;
using System.Collections.Frozen;
using Dify.Models.Embeddings;

namespace Dify.Knowledge.Embedding;

/// <summary>Settings of the embedded embedder.</summary>
public sealed record HashingEmbeddingOptions
{
    /// <summary>Vector size. Default 384.</summary>
    public int Dimensions { get; init; } = 384;

    /// <summary>Weight of word pairs (captures short phrases). Default 0.5.</summary>
    public float BigramWeight { get; init; } = 0.5f;

    /// <summary>Total weight of a word's character trigrams (spreads over morphology: "index" ~ "indexing"). Default 0.6.</summary>
    public float TrigramWeight { get; init; } = 0.6f;

    /// <summary>Weight of very common English words. Default 0.1.</summary>
    public float StopwordWeight { get; init; } = 0.1f;
}

/// <summary>
/// An embedder that needs no model server: the feature-hashing trick (Weinberger et al.) over lower-cased words,
/// word pairs, and each word's character trigrams (fastText-style subwords, with boundary marks), signed-hashed into
/// <see cref="HashingEmbeddingOptions.Dimensions"/> buckets and L2-normalised; CJK characters count as words.
/// Deterministic and fast (hundreds of MB/s). It knows no synonyms: it measures lexical and morphological overlap,
/// so it ranks like a smoothed keyword search (see the retrieval-quality test for recall@5 figures). Use a real
/// embedding model where meaning matters; this one makes semantic and hybrid search work offline.
/// </summary>
public sealed class HashingEmbeddingModel : IEmbeddingModel
{
    /// <summary>The provider name datasets use to select this embedder.</summary>
    public const string ProviderName = "embedded";

    /// <summary>The model name datasets record.</summary>
    public const string ModelName = "hashing-384";

    private readonly HashingEmbeddingOptions _options;

    public HashingEmbeddingModel(HashingEmbeddingOptions? options = null)
    {
        _options = options ?? new HashingEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Dimensions, 8);
    }

    public int Dimensions => _options.Dimensions;

    public Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var vectors = new float[inputs.Count][];
        var tokens = 0;
        // Large batches use every core (ingestion); a query is one input and stays on the caller's thread.
        var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = inputs.Count >= 16 ? Environment.ProcessorCount : 1 };
        Parallel.For(0, inputs.Count, options, () => 0, (i, _, local) =>
        {
            vectors[i] = new float[_options.Dimensions];
            return local + Embed(inputs[i], vectors[i]);
        }, local => Interlocked.Add(ref tokens, local));
        return Task.FromResult(new EmbeddingResult(vectors, tokens));
    }

    public float[] Embed(string text)
    {
        var vector = new float[_options.Dimensions];
        Embed(text, vector);
        return vector;
    }

    /// <summary>Writes the normalised vector of <paramref name="text"/>; returns the number of words seen.</summary>
    public int Embed(ReadOnlySpan<char> text, Span<float> vector)
    {
        vector.Clear();
        Span<char> word = stackalloc char[66];
        ulong previous = 0;
        var words = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsWordChar(c))
            {
                i++;
                continue;
            }
            int length;
            if (IsCjk(c))
            {
                word[1] = c;
                length = 1;
                i++;
            }
            else
            {
                length = 0;
                while (i < text.Length && IsWordChar(text[i]) && !IsCjk(text[i]))
                {
                    var ch = text[i];
                    if (length < 64) word[1 + length++] = ch < 128 ? (char)(ch | ((uint)(ch - 'A') <= 'Z' - 'A' ? 0x20 : 0)) : char.ToLowerInvariant(ch);
                    i++;
                }
            }
            var current = Hash(word.Slice(1, length), WordSeed);
            var stop = IsStopword(current, word.Slice(1, length));
            var weight = stop ? _options.StopwordWeight : 1f;
            Add(vector, current, weight);
            if (words > 0 && !stop) Add(vector, current * 31 ^ previous, _options.BigramWeight);
            if (!stop && length >= 3) AddTrigrams(vector, word, length);
            if (!stop) previous = current;
            words++;
        }
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
        return words;
    }

    private void AddTrigrams(Span<float> vector, Span<char> word, int length)
    {
        word[0] = '^';
        word[length + 1] = '$';
        var count = length;
        var weight = _options.TrigramWeight / MathF.Sqrt(count);
        for (var j = 0; j < count; j++) Add(vector, Hash3(word[j], word[j + 1], word[j + 2]), weight);
    }

    private void Add(Span<float> vector, ulong hash, float weight)
    {
        hash ^= hash >> 33;
        hash *= 0xFF51AFD7ED558CCDUL;
        hash ^= hash >> 33;
        // Lemire's fast range maps into [0, Dimensions) without a division, and vector has Dimensions elements, so the
        // bounds check the indexer would make can never fail: skip it (this line runs ~10 times per word).
        var index = (nint)(((hash & 0xFFFFFFFFUL) * (ulong)_options.Dimensions) >> 32);
        System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(vector), index) +=
            (hash & (1UL << 63)) != 0 ? -weight : weight;
    }

    private const ulong WordSeed = 0x9E3779B97F4A7C15UL;

    /// <summary>The stopwords by their word hash: one integer lookup per short word instead of hashing its text again.</summary>
    private static readonly System.Collections.Frozen.FrozenDictionary<ulong, string> StopwordsByHash =
        EnglishStopwords.All.ToFrozenDictionary(w => Hash(w, WordSeed));

    private static bool IsStopword(ulong hash, ReadOnlySpan<char> word) =>
        word.Length <= EnglishStopwords.MaxLength && StopwordsByHash.TryGetValue(hash, out var stopword) && word.SequenceEqual(stopword);

    /// <summary><see cref="Hash"/> of a three-character trigram with the trigram seed, unrolled (the hottest hash).</summary>
    private static ulong Hash3(char a, char b, char c)
    {
        var hash = (14695981039346656037UL ^ 0xC2B2AE3D27D4EB4FUL ^ a) * 1099511628211UL;
        hash = (hash ^ b) * 1099511628211UL;
        return (hash ^ c) * 1099511628211UL;
    }

    private static ulong Hash(ReadOnlySpan<char> text, ulong seed)
    {
        var hash = 14695981039346656037UL ^ seed;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    private static bool IsWordChar(char c) => c < 128 ? (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 : char.IsLetterOrDigit(c);

    private static bool IsCjk(char c) => c is >= '\u3040' and <= '\u30ff' or >= '\u3400' and <= '\u9fff' or >= '\uac00' and <= '\ud7af' or >= '\uf900' and <= '\ufaff';
}
