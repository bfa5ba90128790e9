using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dify.Knowledge.Index;

/// <summary>
/// Symmetric scalar quantisation of unit-length vectors to int8 with one scale per vector (scale = max |x| / 127).
/// Each component is off by at most half a step, so for 384-dimensional unit vectors a cosine moves by about 1e-3:
/// enough to pick candidates, which the index then rescores exactly. A query is widened to int16 once so the scan
/// only widens the stored bytes (AVX2: 32 components per step with vpmaddwd).
/// </summary>
internal readonly struct QuantizedVector(short[] widened, float scale)
{
    /// <summary>The query's int8 components, widened to int16.</summary>
    public short[] Widened { get; } = widened;

    public float Scale { get; } = scale;

    public static QuantizedVector Of(ReadOnlySpan<float> vector)
    {
        Span<sbyte> row = vector.Length <= 4096 ? stackalloc sbyte[vector.Length] : new sbyte[vector.Length];
        var scale = Quantize(vector, row);
        var widened = new short[vector.Length];
        for (var i = 0; i < row.Length; i++) widened[i] = row[i];
        return new QuantizedVector(widened, scale);
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

    /// <summary>Σ row[i]·query[i] in integers (exact: 4096 × 127 × 127 fits an int).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        var sum = 0;
        var i = 0;
        if (Avx2.IsSupported && row.Length >= 32)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            ref var q = ref MemoryMarshal.GetReference(query);
            var acc = Vector256<int>.Zero;
            for (; i <= row.Length - 32; i += 32)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref r, (nuint)i));
                acc += Avx2.MultiplyAddAdjacent(lower, Vector256.LoadUnsafe(ref q, (nuint)i));
                acc += Avx2.MultiplyAddAdjacent(upper, Vector256.LoadUnsafe(ref q, (nuint)(i + 16)));
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < row.Length; i++) sum += row[i] * query[i];
        return sum;
    }
}
