using System.Text;

namespace Dify.Testing.OpenAiCompatible;

/// <summary>
/// Bag-of-words hashing embeddings: lower-cased letter/digit tokens each add weight to two hashed dimensions,
/// then the vector is L2-normalised. Same text → same vector; texts sharing words → higher cosine similarity.
/// </summary>
public static class DeterministicEmbedder
{
    public const int DefaultDimensions = 64;

    public static float[] Embed(string text, int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 2);
        var vector = new float[dimensions];
        var any = false;
        foreach (var token in Tokens(text))
        {
            var hash = Fnv1a(token);
            vector[(int)(hash % (ulong)dimensions)] += 1f;
            vector[(int)((hash >> 32) % (ulong)dimensions)] += 0.5f;
            any = true;
        }

        if (!any)
        {
            vector[dimensions - 1] = 1f;
            return vector;
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>Lower-cased runs of letters or digits.</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                yield return current.ToString();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static ulong Fnv1a(string token)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
