using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class ClassifierTests(OrtFixture ort)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Run_matches_matmul_and_softmax_computed_by_hand()
    {
        using var session = ort.Load("defect_classifier.onnx");
        const int batch = 3;
        var image = Expected.Image(batch, seed: 1);

        var outputs = session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, batch, 3, 8, 8) });

        var probabilities = outputs["probabilities"];
        Assert.Equal(TensorElementType.Float, probabilities.ElementType);
        Assert.Equal([batch, 4L], probabilities.Shape.ToArray());
        AssertClose(Expected.Classifier(image, batch), probabilities.Span<float>());
    }

    [Fact]
    public void Metadata_reports_names_types_and_free_dimensions()
    {
        using var session = ort.Load("defect_classifier.onnx");

        var input = Assert.Single(session.Inputs);
        Assert.Equal("image", input.Name);
        Assert.Equal(OnnxValueKind.Tensor, input.Kind);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3, 8, 8], input.Shape);
        Assert.Equal(["batch", "", "", ""], input.SymbolicDimensions);
        var output = Assert.Single(session.Outputs);
        Assert.Equal("probabilities", output.Name);
        Assert.Equal([-1L, 4], output.Shape);
        Assert.Equal(ExecutionProvider.Cpu, session.ExecutionProvider);
    }

    [Fact]
    public async Task Loading_from_bytes_and_asynchronously_gives_the_same_model()
    {
        var image = Expected.Image(2, seed: 7);
        var inputs = new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, 2, 3, 8, 8) };
        var options = new InferenceOptions { IntraOpThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.Disabled };
        using var fromBytes = InferenceSession.Load(ort.Runtime, File.ReadAllBytes(ort.Model("defect_classifier.onnx")), options);
        using var fromAsync = await InferenceSession.LoadAsync(ort.Runtime, ort.Model("defect_classifier.onnx"), options);

        AssertClose(Expected.Classifier(image, 2), fromBytes.Run(inputs)["probabilities"].Span<float>());
        AssertClose(Expected.Classifier(image, 2), fromAsync.Run(inputs)["probabilities"].Span<float>());
    }

    [Fact]
    public void Input_over_a_slice_of_a_larger_buffer_is_read_in_place()
    {
        using var session = ort.Load("defect_classifier.onnx");
        var image = Expected.Image(1, seed: 3);
        var buffer = new float[image.Length + 100];
        buffer.AsSpan().Fill(float.NaN);
        image.CopyTo(buffer, 37);

        var tensor = new Tensor<float>(buffer.AsMemory(37, image.Length), [1, 3, 8, 8]);
        var result = session.Run(new Dictionary<string, Tensor> { ["image"] = tensor });

        AssertClose(Expected.Classifier(image, 1), result["probabilities"].Span<float>());
    }

    internal static void AssertClose(double[][] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Sum(row => row.Length), actual.Length);
        var i = 0;
        foreach (var row in expected)
        {
            foreach (var value in row)
            {
                Assert.True(Math.Abs(value - actual[i]) <= Tolerance, $"element {i}: expected {value:R}, got {actual[i]:R}");
                i++;
            }
        }
    }
}
