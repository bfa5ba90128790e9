using System.Text.Json.Serialization;

namespace Dify.Edge.Inference.Processing;

/// <summary>A label and its score.</summary>
public sealed record LabelScore(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("score")] float Score);

/// <summary>The module's per-item result: top label, its score, and whether it counts as a defect.</summary>
public sealed record DefectVerdict(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("is_defect")] bool IsDefect);

/// <summary>When a prediction is a defect: its top label is not <see cref="NormalLabel"/> and scores at least <see cref="Threshold"/>.</summary>
public sealed class DefectRule
{
    public float Threshold { get; set; } = 0.5f;

    public string NormalLabel { get; set; } = "ok";
}

/// <summary>Model output to decisions: softmax, top-k with labels, defect verdicts.</summary>
public static class Postprocessing
{
    /// <summary>Numerically stable softmax (subtracts the maximum first).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        if (probabilities.Length < logits.Length) throw new ArgumentException("destination is shorter than the logits", nameof(probabilities));
        if (logits.IsEmpty) return;
        var max = float.NegativeInfinity;
        foreach (var l in logits) max = Math.Max(max, l);
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var e = Math.Exp(logits[i] - max);
            probabilities[i] = (float)e;
            sum += e;
        }

        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = (float)(probabilities[i] / sum);
        }
    }

    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var result = new float[logits.Length];
        Softmax(logits, result);
        return result;
    }

    /// <summary>The <paramref name="k"/> highest scores with their labels, best first (ties: lower index first).</summary>
    public static IReadOnlyList<LabelScore> TopK(ReadOnlySpan<float> scores, IReadOnlyList<string> labels, int k)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 0);
        if (labels.Count != scores.Length) throw new ArgumentException($"{labels.Count} labels for {scores.Length} scores", nameof(labels));
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var copy = scores.ToArray();
        Array.Sort(order, (a, b) => copy[b] != copy[a] ? copy[b].CompareTo(copy[a]) : a.CompareTo(b));
        return order.Take(Math.Min(k, order.Length)).Select(i => new LabelScore(labels[i], copy[i])).ToArray();
    }

    /// <summary>Verdict for one probability vector.</summary>
    public static DefectVerdict Classify(ReadOnlySpan<float> probabilities, IReadOnlyList<string> labels, DefectRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (probabilities.IsEmpty) throw new ArgumentException("no scores", nameof(probabilities));
        var top = TopK(probabilities, labels, 1)[0];
        var isDefect = !string.Equals(top.Label, rule.NormalLabel, StringComparison.Ordinal) && top.Score >= rule.Threshold;
        return new DefectVerdict(top.Label, top.Score, isDefect);
    }

    /// <summary>Verdicts for each row of a [N, classes] float tensor (e.g. a classifier's probabilities output).</summary>
    public static IReadOnlyList<DefectVerdict> Classify(Tensor probabilities, IReadOnlyList<string> labels, DefectRule rule)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Shape.Length != 2) throw new ArgumentException($"expected [N, classes], got {probabilities}", nameof(probabilities));
        var rows = (int)probabilities.Shape[0];
        var classes = (int)probabilities.Shape[1];
        var values = probabilities.Span<float>();
        var result = new DefectVerdict[rows];
        for (var n = 0; n < rows; n++)
        {
            result[n] = Classify(values.Slice(n * classes, classes), labels, rule);
        }

        return result;
    }
}
