namespace Dify.Edge.Inference.Imaging;

/// <summary>How the components of a 3-component frame map to RGB.</summary>
internal enum JpegColorTransform
{
    YCbCr,
    Rgb,
}

/// <summary>
/// Upsamples chroma to full size and converts to packed RGB. Upsampling is libjpeg's "fancy" (triangle-filter)
/// upsampling for 2:1 ratios wider than 2 samples, and sample replication otherwise, exactly as libjpeg-turbo
/// does by default; YCbCr to RGB uses libjpeg's 16-bit fixed-point tables, so output matches it bit for bit.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);

    public static byte[] ToRgb(JpegFrame frame, JpegColorTransform transform)
    {
        var width = frame.Width;
        var rgb = new byte[checked(width * frame.Height * 3)];
        var components = frame.Components;
        var rows = new byte[components.Length][];
        for (var c = 0; c < components.Length; c++) rows[c] = new byte[(width + 16) & ~7];

        for (var y = 0; y < frame.Height; y++)
        {
            for (var c = 0; c < components.Length; c++) UpsampleRow(frame, components[c], y, rows[c]);
            var output = rgb.AsSpan(y * width * 3, width * 3);
            if (components.Length == 1)
            {
                var gray = rows[0];
                for (var x = 0; x < width; x++) output[3 * x] = output[(3 * x) + 1] = output[(3 * x) + 2] = gray[x];
            }
            else if (transform == JpegColorTransform.Rgb)
            {
                for (var x = 0; x < width; x++)
                {
                    output[3 * x] = rows[0][x];
                    output[(3 * x) + 1] = rows[1][x];
                    output[(3 * x) + 2] = rows[2][x];
                }
            }
            else
            {
                YCbCrRow(rows[0], rows[1], rows[2], output, width);
            }
        }

        return rgb;
    }

    private static void YCbCrRow(byte[] luma, byte[] blue, byte[] red, Span<byte> output, int width)
    {
        for (var x = 0; x < width; x++)
        {
            int y = luma[x];
            var cb = blue[x] - 128;
            var cr = red[x] - 128;
            // libjpeg's build_ycc_rgb_table entries, computed inline: FIX(c) = round(c * 2^16).
            var r = y + (((91881 * cr) + OneHalf) >> ScaleBits);
            var g = y + (((-22554 * cb) + (-46802 * cr) + OneHalf) >> ScaleBits);
            var b = y + (((116130 * cb) + OneHalf) >> ScaleBits);
            output[3 * x] = (byte)Math.Clamp(r, 0, 255);
            output[(3 * x) + 1] = (byte)Math.Clamp(g, 0, 255);
            output[(3 * x) + 2] = (byte)Math.Clamp(b, 0, 255);
        }
    }

    /// <summary>Fills <paramref name="row"/>[0..frame.Width) with component samples for output row <paramref name="y"/>.</summary>
    private static void UpsampleRow(JpegFrame frame, JpegComponent component, int y, byte[] row)
    {
        var ratioH = frame.MaxH / component.H;
        var ratioV = frame.MaxV / component.V;
        var plane = component.Plane;
        var stride = component.Stride;
        var inputRow = y / ratioV;
        var width = frame.Width;
        var fancyH = ratioH == 2 && component.Width > 2;

        if (ratioH == 1 && ratioV == 1)
        {
            plane.AsSpan(inputRow * stride, width).CopyTo(row);
        }
        else if (ratioH == 2 && ratioV == 1 && fancyH)
        {
            FancyH2(plane.AsSpan(inputRow * stride, stride), component.Width, row);
        }
        else if (ratioH == 2 && ratioV == 2 && fancyH)
        {
            // Triangle filter in both directions: the nearer input row weighs 3, the other 1 (clamped at the edges).
            var other = (y & 1) == 0 ? Math.Max(inputRow - 1, 0) : Math.Min(inputRow + 1, component.Height - 1);
            FancyH2V2(plane.AsSpan(inputRow * stride, stride), plane.AsSpan(other * stride, stride), component.Width, row);
        }
        else if (ratioH == 1 && ratioV == 2)
        {
            var upper = (y & 1) == 0;
            var other = upper ? Math.Max(inputRow - 1, 0) : Math.Min(inputRow + 1, component.Height - 1);
            var bias = upper ? 1 : 2;
            var near = plane.AsSpan(inputRow * stride, width);
            var far = plane.AsSpan(other * stride, width);
            for (var x = 0; x < width; x++) row[x] = (byte)(((near[x] * 3) + far[x] + bias) >> 2);
        }
        else
        {
            var source = plane.AsSpan(inputRow * stride, stride);
            for (var x = 0; x < width; x++) row[x] = source[x / ratioH];
        }
    }

    // libjpeg h2v1_fancy_upsample: each output sample is 3/4 the nearer input plus 1/4 the further one.
    private static void FancyH2(ReadOnlySpan<byte> input, int inputWidth, byte[] row)
    {
        row[0] = input[0];
        row[1] = (byte)(((input[0] * 3) + input[1] + 2) >> 2);
        for (var i = 1; i < inputWidth - 1; i++)
        {
            var value = input[i] * 3;
            row[2 * i] = (byte)((value + input[i - 1] + 1) >> 2);
            row[(2 * i) + 1] = (byte)((value + input[i + 1] + 2) >> 2);
        }

        var last = inputWidth - 1;
        row[2 * last] = (byte)(((input[last] * 3) + input[last - 1] + 1) >> 2);
        row[(2 * last) + 1] = input[last];
    }

    // libjpeg h2v2_fancy_upsample: column sums 3*near + far, then the same 3:1 weighting across columns.
    private static void FancyH2V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, int inputWidth, byte[] row)
    {
        var thisSum = (near[0] * 3) + far[0];
        var nextSum = (near[1] * 3) + far[1];
        row[0] = (byte)(((thisSum * 4) + 8) >> 4);
        row[1] = (byte)(((thisSum * 3) + nextSum + 7) >> 4);
        var lastSum = thisSum;
        thisSum = nextSum;
        for (var i = 1; i < inputWidth - 1; i++)
        {
            nextSum = (near[i + 1] * 3) + far[i + 1];
            row[2 * i] = (byte)(((thisSum * 3) + lastSum + 8) >> 4);
            row[(2 * i) + 1] = (byte)(((thisSum * 3) + nextSum + 7) >> 4);
            lastSum = thisSum;
            thisSum = nextSum;
        }

        var last = inputWidth - 1;
        row[2 * last] = (byte)(((thisSum * 3) + lastSum + 8) >> 4);
        row[(2 * last) + 1] = (byte)(((thisSum * 4) + 7) >> 4);
    }
}
