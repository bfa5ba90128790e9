namespace Dify.Edge.Inference.Processing;

/// <summary>
/// Sensor series to model input: sliding windows (length, stride) over a series, each window z-score normalised
/// on its own ((x - mean) / std, population std; a flat window becomes all zeros).
/// </summary>
public static class SensorWindows
{
    /// <summary>Number of complete windows in <paramref name="length"/> samples.</summary>
    public static int Count(int length, int window, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        return length < window ? 0 : ((length - window) / stride) + 1;
    }

    /// <summary>Windows of one series as a [N, window] tensor.</summary>
    public static Tensor<float> Sliding(ReadOnlySpan<float> series, int window, int stride, bool normalize = true)
    {
        var data = Windows(series, 1, window, stride, normalize, out var count);
        return new Tensor<float>(data, [count, window]);
    }

    /// <summary>
    /// Windows of a multi-channel series stored interleaved (sample t, channel c at [t * channels + c]) as a
    /// [N, channels, window] tensor; each channel of each window is normalised on its own.
    /// </summary>
    public static Tensor<float> Sliding(ReadOnlySpan<float> interleaved, int channels, int window, int stride, bool normalize = true)
    {
        var data = Windows(interleaved, channels, window, stride, normalize, out var count);
        return new Tensor<float>(data, [count, channels, window]);
    }

    /// <summary>In place: (x - mean) / std with the population std; all zeros when std is below <paramref name="epsilon"/>.</summary>
    public static void ZScore(Span<float> values, float epsilon = 1e-6f)
    {
        if (values.IsEmpty) return;
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        var std = Math.Sqrt(squares / values.Length);
        if (std < epsilon)
        {
            values.Clear();
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((values[i] - mean) / std);
        }
    }

    private static float[] Windows(ReadOnlySpan<float> series, int channels, int window, int stride, bool normalize, out int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (series.Length % channels != 0) throw new ArgumentException($"series length {series.Length} is not a multiple of {channels} channels", nameof(series));
        var samples = series.Length / channels;
        count = Count(samples, window, stride);
        var data = new float[count * channels * window];
        for (var n = 0; n < count; n++)
        {
            for (var c = 0; c < channels; c++)
            {
                var target = data.AsSpan(((n * channels) + c) * window, window);
                for (var t = 0; t < window; t++)
                {
                    target[t] = series[((n * stride) + t) * channels + c];
                }

                if (normalize) ZScore(target);
            }
        }

        return data;
    }
}
