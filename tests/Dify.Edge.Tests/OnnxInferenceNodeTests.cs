using System.Text.Json.Nodes;

namespace Dify.Edge.Tests;

[Collection(ModelsCollection.Name)]
public sealed class OnnxInferenceNodeTests(ModelsFixture models)
{
    private static void AssertScores(double[] expected, JsonNode? actual)
    {
        var scores = actual!.AsArray().Select(n => (double)n!).ToArray();
        Assert.Equal(expected.Length, scores.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - scores[i]) < 1e-5, $"score {i}: expected {expected[i]}, got {scores[i]}");
    }

    [Theory]
    [InlineData("png", 1)]
    [InlineData("png", 7)]
    [InlineData("ppm", 3)]
    public async Task A_frame_through_the_engine_matches_an_independent_computation(string format, int seed)
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "1", Templates.DefectCheck());
        var rgb = Classifier.Frame(seed);
        var bytes = format == "png" ? Classifier.Png(rgb, 8, 8) : Classifier.Ppm(rgb, 8, 8);

        var outcome = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String(bytes) }, CancellationToken.None);

        Assert.True(outcome.Status == "succeeded", outcome.Error);
        var expected = Classifier.Probabilities(Classifier.ImageInput(rgb, 0.5, 0.25));
        AssertScores(expected, outcome.Outputs["scores"]);
        var best = Array.IndexOf(expected, expected.Max());
        Assert.Equal(Classifier.Labels[best], (string)outcome.Outputs["top"]!["label"]!);
        Assert.True(Math.Abs(expected[best] - (double)outcome.Outputs["top"]!["score"]!) < 1e-5);
        Assert.Equal(best != 0 && expected[best] >= 0.3, (bool)outcome.Outputs["is_defect"]!);
        Assert.True((double)outcome.Outputs["latency_ms"]! > 0);
    }

    [Fact]
    public async Task Raw_numbers_reshape_to_the_model_input_and_the_threshold_decides_the_defect()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("readings", "1", Templates.Readings);
        // A vector that pushes the "crack" logit far up: the top class is a defect with a score above 0.9.
        var flat = Enumerable.Range(0, 192).Select(k => (((31 * k) + (17 * 3)) % 23) - 11 > 0 ? 2.0 : -2.0).ToArray();
        var expected = Classifier.Probabilities(flat);

        var outcome = await edge.Runner.RunAsync("readings", new JsonObject { ["readings"] = new JsonArray(flat.Select(v => (JsonNode)v).ToArray()) }, CancellationToken.None);

        Assert.True(outcome.Status == "succeeded", outcome.Error);
        AssertScores(expected, outcome.Outputs["scores"]);
        Assert.Equal("crack", (string)outcome.Outputs["top"]!["label"]!);
        Assert.True(expected[3] > 0.9, "the crafted input does not reach the threshold; the test proves nothing");
        Assert.True((bool)outcome.Outputs["is_defect"]!);

        // The same model on zeros: the bias alone decides (crack again, with a low score): not a defect at 0.9.
        var zeros = await edge.Runner.RunAsync("readings", new JsonObject { ["readings"] = new JsonArray(Enumerable.Repeat(0, 192).Select(v => (JsonNode)v).ToArray()) }, CancellationToken.None);
        AssertScores(Classifier.Probabilities(new double[192]), zeros.Outputs["scores"]);
        Assert.False((bool)zeros.Outputs["is_defect"]!);
    }

    [Fact]
    public async Task The_model_loads_once_per_path_across_runs_and_templates()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("a", "1", Templates.DefectCheck());
        await edge.ActivateAsync("b", "1", Templates.DefectCheck(model: "defect_classifier.onnx", threshold: 0.4));
        Assert.False(edge.Runtime.IsLoaded); // importing a template does not load ONNX Runtime
        var frame = Convert.ToBase64String(Classifier.Png(Classifier.Frame(2), 8, 8));
        for (var i = 0; i < 3; i++)
        {
            await edge.Runner.RunAsync("a", new JsonObject { ["frame"] = frame }, CancellationToken.None);
            await edge.Runner.RunAsync("b", new JsonObject { ["frame"] = frame }, CancellationToken.None);
        }

        Assert.Equal(1, edge.Models.LoadedCount);
    }

    [Fact]
    public async Task Bad_node_data_and_missing_models_are_import_problems_naming_the_field()
    {
        await using var edge = new EdgeHarness(models.Directory);
        var (app, error) = edge.Store.Validate("x", Templates.DefectCheck(model: "no_such_model"));
        Assert.Null(app);
        Assert.Contains("model", error);
        Assert.Contains("no_such_model", error);

        var escaping = edge.Store.Validate("x", Templates.DefectCheck(model: "../../etc/passwd"));
        Assert.Contains("outside the model folder", escaping.Error);

        var badKind = edge.Store.Validate("x", Templates.DefectCheck().Replace("kind: image", "kind: audio", StringComparison.Ordinal));
        Assert.Contains("preprocessing.kind", badKind.Error);
    }

    [Fact]
    public async Task An_undecodable_frame_fails_the_run_with_the_reason()
    {
        await using var edge = new EdgeHarness(models.Directory);
        await edge.ActivateAsync("defects", "1", Templates.DefectCheck());
        var outcome = await edge.Runner.RunAsync("defects", new JsonObject { ["frame"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]) }, CancellationToken.None);
        Assert.Equal("failed", outcome.Status);
        Assert.Contains("JPEG", outcome.Error);
        var failedEvent = Assert.Single(edge.Events.Events);
        Assert.Equal("failed", failedEvent.Status);
    }
}
