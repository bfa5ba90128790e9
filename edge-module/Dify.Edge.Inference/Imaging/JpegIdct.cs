namespace Dify.Edge.Inference.Imaging;

/// <summary>
/// The accurate integer inverse DCT (Loeffler-Ligtenberg-Moschytz with 13-bit constants, 2 extra bits between
/// passes), the same arithmetic as libjpeg's default JDCT_ISLOW, so our pixels match libjpeg-based decoders
/// (PIL, browsers) exactly rather than approximately.
/// </summary>
internal static class JpegIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;

    private const int Fix0298631336 = 2446;
    private const int Fix0390180644 = 3196;
    private const int Fix0541196100 = 4433;
    private const int Fix0765366865 = 6270;
    private const int Fix0899976223 = 7373;
    private const int Fix1175875602 = 9633;
    private const int Fix1501321110 = 12299;
    private const int Fix1847759065 = 15137;
    private const int Fix1961570560 = 16069;
    private const int Fix2053119869 = 16819;
    private const int Fix2562915447 = 20995;
    private const int Fix3072711026 = 25172;

    /// <summary>
    /// Dequantizes <paramref name="coefficients"/> (natural order) with <paramref name="quant"/> and writes the 8x8
    /// samples, level-shifted and clamped to 0..255, at <paramref name="output"/> with the given row stride.
    /// </summary>
    public static void Transform(ReadOnlySpan<int> coefficients, ReadOnlySpan<int> quant, Span<byte> output, int stride)
    {
        Span<int> work = stackalloc int[64];
        for (var column = 0; column < 8; column++)
        {
            if (coefficients[8 + column] == 0 && coefficients[16 + column] == 0 && coefficients[24 + column] == 0 && coefficients[32 + column] == 0
                && coefficients[40 + column] == 0 && coefficients[48 + column] == 0 && coefficients[56 + column] == 0)
            {
                var dc = coefficients[column] * quant[column] << Pass1Bits;
                for (var row = 0; row < 8; row++) work[(row * 8) + column] = dc;
                continue;
            }

            Butterfly(
                coefficients[column] * quant[column], coefficients[8 + column] * quant[8 + column],
                coefficients[16 + column] * quant[16 + column], coefficients[24 + column] * quant[24 + column],
                coefficients[32 + column] * quant[32 + column], coefficients[40 + column] * quant[40 + column],
                coefficients[48 + column] * quant[48 + column], coefficients[56 + column] * quant[56 + column],
                out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            const int shift = ConstBits - Pass1Bits;
            const long round = 1L << (shift - 1);
            work[column] = (int)((o0 + round) >> shift);
            work[8 + column] = (int)((o1 + round) >> shift);
            work[16 + column] = (int)((o2 + round) >> shift);
            work[24 + column] = (int)((o3 + round) >> shift);
            work[32 + column] = (int)((o4 + round) >> shift);
            work[40 + column] = (int)((o5 + round) >> shift);
            work[48 + column] = (int)((o6 + round) >> shift);
            work[56 + column] = (int)((o7 + round) >> shift);
        }

        for (var row = 0; row < 8; row++)
        {
            var w = work.Slice(row * 8, 8);
            var line = output.Slice(row * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                var value = Clamp(((w[0] + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)) + 128);
                line.Fill(value);
                continue;
            }

            Butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
                out var o0, out var o1, out var o2, out var o3, out var o4, out var o5, out var o6, out var o7);
            const int shift = ConstBits + Pass1Bits + 3;
            const long round = 1L << (shift - 1);
            line[0] = Clamp((int)((o0 + round) >> shift) + 128);
            line[1] = Clamp((int)((o1 + round) >> shift) + 128);
            line[2] = Clamp((int)((o2 + round) >> shift) + 128);
            line[3] = Clamp((int)((o3 + round) >> shift) + 128);
            line[4] = Clamp((int)((o4 + round) >> shift) + 128);
            line[5] = Clamp((int)((o5 + round) >> shift) + 128);
            line[6] = Clamp((int)((o6 + round) >> shift) + 128);
            line[7] = Clamp((int)((o7 + round) >> shift) + 128);
        }
    }

    /// <summary>
    /// A block with only a DC coefficient: the same value <see cref="Transform"/> computes (both passes take their
    /// zero-AC shortcut), without the two passes.
    /// </summary>
    public static void FillDcOnly(int coefficient, int quant, Span<byte> output, int stride)
    {
        var value = Clamp((((coefficient * quant << Pass1Bits) + (1 << (Pass1Bits + 2))) >> (Pass1Bits + 3)) + 128);
        for (var row = 0; row < 8; row++) output.Slice(row * stride, 8).Fill(value);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);

    // One 1-D 8-point pass; outputs are scaled by 2^ConstBits and not yet descaled.
    private static void Butterfly(long in0, long in1, long in2, long in3, long in4, long in5, long in6, long in7,
        out long o0, out long o1, out long o2, out long o3, out long o4, out long o5, out long o6, out long o7)
    {
        // Even part.
        var z1 = (in2 + in6) * Fix0541196100;
        var tmp2 = z1 + (in6 * -Fix1847759065);
        var tmp3 = z1 + (in2 * Fix0765366865);
        var tmp0 = (in0 + in4) << ConstBits;
        var tmp1 = (in0 - in4) << ConstBits;
        var tmp10 = tmp0 + tmp3;
        var tmp13 = tmp0 - tmp3;
        var tmp11 = tmp1 + tmp2;
        var tmp12 = tmp1 - tmp2;

        // Odd part.
        tmp0 = in7;
        tmp1 = in5;
        tmp2 = in3;
        tmp3 = in1;
        z1 = tmp0 + tmp3;
        var z2 = tmp1 + tmp2;
        var z3 = tmp0 + tmp2;
        var z4 = tmp1 + tmp3;
        var z5 = (z3 + z4) * Fix1175875602;
        tmp0 *= Fix0298631336;
        tmp1 *= Fix2053119869;
        tmp2 *= Fix3072711026;
        tmp3 *= Fix1501321110;
        z1 *= -Fix0899976223;
        z2 *= -Fix2562915447;
        z3 = (z3 * -Fix1961570560) + z5;
        z4 = (z4 * -Fix0390180644) + z5;
        tmp0 += z1 + z3;
        tmp1 += z2 + z4;
        tmp2 += z2 + z3;
        tmp3 += z1 + z4;

        o0 = tmp10 + tmp3;
        o7 = tmp10 - tmp3;
        o1 = tmp11 + tmp2;
        o6 = tmp11 - tmp2;
        o2 = tmp12 + tmp1;
        o5 = tmp12 - tmp1;
        o3 = tmp13 + tmp0;
        o4 = tmp13 - tmp0;
    }
}
