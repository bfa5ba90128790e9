using System.Text.Json;
using Dify.Edge.Inference.Processing;

namespace Dify.Edge.Inference.Tests;

public sealed class SensorAndPostprocessingTests
{
    [Fact]
    public void Window_count_covers_complete_windows_only()
    {
        Assert.Equal(3, SensorWindows.Count(10, 4, 3));
        Assert.Equal(1, SensorWindows.Count(4, 4, 1));
        Assert.Equal(0, SensorWindows.Count(3, 4, 1));
    }

    [Fact]
    public void Sliding_windows_step_by_the_stride()
    {
        var series = Enumerable.Range(1, 10).Select(i => (float)i).ToArray();

        var windows = SensorWindows.Sliding(series, window: 4, stride: 3, normalize: false);

        Assert.Equal([3L, 4], windows.Shape.ToArray());
        Assert.Equal([1f, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10], windows.Memory.ToArray());
    }

    [Fact]
    public void Z_score_uses_population_std_and_zeroes_flat_windows()
    {
        float[] values = [1, 2, 3, 4];
        SensorWindows.ZScore(values);
        var std = Math.Sqrt(1.25);
        Assert.Equal(-1.5 / std, values[0], 1e-6);
        Assert.Equal(-0.5 / std, values[1], 1e-6);
        Assert.Equal(0.5 / std, values[2], 1e-6);
        Assert.Equal(1.5 / std, values[3], 1e-6);

        float[] flat = [7, 7, 7];
        SensorWindows.ZScore(flat);
        Assert.Equal([0f, 0, 0], flat);
    }

    [Fact]
    public void Multichannel_windows_are_split_and_normalised_per_channel()
    {
        // 5 samples of 2 interleaved channels: ch0 = 1..5, ch1 = 10..50.
        float[] interleaved = [1, 10, 2, 20, 3, 30, 4, 40, 5, 50];

        var raw = SensorWindows.Sliding(interleaved, channels: 2, window: 3, stride: 2, normalize: false);
        var normalised = SensorWindows.Sliding(interleaved, channels: 2, window: 3, stride: 2);

        Assert.Equal([2L, 2, 3], raw.Shape.ToArray());
        Assert.Equal([1f, 2, 3, 10, 20, 30, 3, 4, 5, 30, 40, 50], raw.Memory.ToArray());
        var edge = Math.Sqrt(1.5); // (x - mean) / std for three evenly spaced values
        foreach (var v in normalised.Memory.ToArray().Chunk(3))
        {
            Assert.Equal(-edge, v[0], 1e-6);
            Assert.Equal(0, v[1], 1e-6);
            Assert.Equal(edge, v[2], 1e-6);
        }
    }

    [Fact]
    public void Softmax_matches_hand_values_and_is_stable_for_large_logits()
    {
        var p = Postprocessing.Softmax([1f, 2f, 3f]);
        var total = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(1) / total, p[0], 1e-6);
        Assert.Equal(Math.Exp(2) / total, p[1], 1e-6);
        Assert.Equal(Math.Exp(3) / total, p[2], 1e-6);

        Assert.Equal([0.5f, 0.5f], Postprocessing.Softmax([1000f, 1000f]));
    }

    [Fact]
    public void Top_k_orders_by_score_then_index()
    {
        var top = Postprocessing.TopK([0.1f, 0.5f, 0.2f, 0.5f], ["a", "b", "c", "d"], 3);

        Assert.Equal([new LabelScore("b", 0.5f), new LabelScore("d", 0.5f), new LabelScore("c", 0.2f)], top);
        Assert.Throws<ArgumentException>(() => Postprocessing.TopK([0.1f], ["a", "b"], 1));
    }

    [Fact]
    public void Verdicts_apply_threshold_and_normal_label()
    {
        string[] labels = ["ok", "scratch", "dent", "stain"];
        var rule = new DefectRule { Threshold = 0.5f, NormalLabel = "ok" };

        Assert.Equal(new DefectVerdict("scratch", 0.7f, true), Postprocessing.Classify([0.1f, 0.7f, 0.1f, 0.1f], labels, rule));
        Assert.Equal(new DefectVerdict("scratch", 0.45f, false), Postprocessing.Classify([0.2f, 0.45f, 0.3f, 0.05f], labels, rule));
        Assert.Equal(new DefectVerdict("ok", 0.9f, false), Postprocessing.Classify([0.9f, 0.05f, 0.03f, 0.02f], labels, rule));
    }

    [Fact]
    public void Batch_verdicts_read_each_row_and_serialise_with_snake_case()
    {
        var probabilities = Tensor.FromFloat([0.1f, 0.7f, 0.1f, 0.1f, 0.6f, 0.2f, 0.1f, 0.1f], 2, 4);

        var verdicts = Postprocessing.Classify(probabilities, ["ok", "scratch", "dent", "stain"], new DefectRule());

        Assert.Equal([new DefectVerdict("scratch", 0.7f, true), new DefectVerdict("ok", 0.6f, false)], verdicts);
        Assert.Equal("""{"label":"scratch","score":0.7,"is_defect":true}""", JsonSerializer.Serialize(verdicts[0]));
    }
}
