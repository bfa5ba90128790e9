using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dify.Knowledge.Index;

/// <summary>
/// Symmetric scalar quantisation of unit-length vectors to int8 with one scale per vector (scale = max |x| / 127).
/// Each component is off by at most half a step, so for 384-dimensional unit vectors a cosine moves by about 1e-3:
/// enough to pick candidates, which the index then rescores exactly. Components stay within ±127, so the AVX2 scan
/// can multiply |query| (unsigned) by the row with the query's sign applied (vpsignb + vpmaddubsw, 32 components per
/// step) without saturating: two products per 16-bit lane are at most 2 × 127 × 127 = 32258.
/// </summary>
internal readonly struct QuantizedVector(sbyte[] components, float scale)
{
    /// <summary>The query's int8 components.</summary>
    public sbyte[] Components { get; } = components;

    public float Scale { get; } = scale;

    public static QuantizedVector Of(ReadOnlySpan<float> vector)
    {
        var row = new sbyte[vector.Length];
        var scale = Quantize(vector, row);
        return new QuantizedVector(row, scale);
    }

    /// <summary>Writes the int8 form of the normalised <paramref name="vector"/>; returns its scale (0 for a zero vector).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> row)
    {
        var norm = TensorPrimitives.Norm(vector);
        var max = vector.Length == 0 ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(vector)); // the element, sign kept
        if (norm <= 0 || max <= 0 || !float.IsFinite(norm))
        {
            row.Clear();
            return 0f;
        }
        var step = max / norm / 127f;
        var inverse = 1f / (step * norm);
        for (var i = 0; i < vector.Length; i++) row[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127, 127);
        return step;
    }

    /// <summary>Σ row[i]·query[i] in integers (exact: 4096 × 127 × 127 fits an int). Both within ±127.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<sbyte> query)
    {
        var sum = 0;
        var i = 0;
        var length = Math.Min(row.Length, query.Length);
        if (Avx2.IsSupported && length >= 32)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            ref var q = ref MemoryMarshal.GetReference(query);
            var ones = Vector256.Create((short)1);
            var acc = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var qv = Vector256.LoadUnsafe(ref q, (nuint)i);
                var rv = Vector256.LoadUnsafe(ref r, (nuint)i);
                var pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(qv), Avx2.Sign(rv, qv));
                acc += Avx2.MultiplyAddAdjacent(pairs, ones);
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < length; i++) sum += row[i] * query[i];
        return sum;
    }
}
