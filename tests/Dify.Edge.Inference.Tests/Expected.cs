namespace Dify.Edge.Inference.Tests;

/// <summary>Independent computations of what the generated models must output (see generate_models.py docstrings).</summary>
internal static class Expected
{
    /// <summary>W[k, c] = ((31k + 17c) mod 23 - 11) / 50, rounded to float32 as the model stores it.</summary>
    public static double Weight(int k, int c) => (float)((((31 * k) + (17 * c)) % 23 - 11) / 50.0);

    public static double Bias(int c) => (float)((c - 1.5) / 10.0);

    /// <summary>softmax(flatten(image[n]) · W + b) for each row n of a [N,3,8,8] input, in double precision.</summary>
    public static double[][] Classifier(float[] image, int batch)
    {
        var result = new double[batch][];
        for (var n = 0; n < batch; n++)
        {
            var logits = new double[4];
            for (var c = 0; c < 4; c++)
            {
                double sum = Bias(c);
                for (var k = 0; k < 192; k++)
                {
                    sum += image[(n * 192) + k] * Weight(k, c);
                }

                logits[c] = sum;
            }

            var max = logits.Max();
            var exps = logits.Select(l => Math.Exp(l - max)).ToArray();
            var total = exps.Sum();
            result[n] = exps.Select(e => e / total).ToArray();
        }

        return result;
    }

    /// <summary>A deterministic pseudo-image in [-1, 1] (a fixed LCG, so failures reproduce).</summary>
    public static float[] Image(int batch, int seed)
    {
        var data = new float[batch * 192];
        var state = (uint)seed * 2654435761u + 1;
        for (var i = 0; i < data.Length; i++)
        {
            state = (state * 1664525u) + 1013904223u;
            data[i] = ((state >> 8) / (float)(1 << 24) * 2f) - 1f;
        }

        return data;
    }
}
