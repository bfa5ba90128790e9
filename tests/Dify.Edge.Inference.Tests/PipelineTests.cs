using Dify.Edge.Inference.Processing;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class PipelineTests(OrtFixture ort)
{
    [Fact]
    public void Camera_frame_to_verdict_through_the_classifier()
    {
        using var session = ort.Load("defect_classifier.onnx");
        var preprocessor = new ImagePreprocessor(new ImagePreprocessingOptions { Width = 8, Height = 8 });
        var frame = new byte[16 * 12 * 3];
        for (var i = 0; i < frame.Length; i++) frame[i] = (byte)((i * 37) % 256);
        string[] labels = ["ok", "scratch", "dent", "stain"];

        var input = preprocessor.ToTensor(frame, 16, 12, PixelFormat.Bgr24);
        var probabilities = session.Run(new Dictionary<string, Tensor> { ["image"] = input })["probabilities"];
        var verdict = Assert.Single(Postprocessing.Classify(probabilities, labels, new DefectRule { Threshold = 0.3f }));

        var expected = Expected.Classifier(input.Memory.ToArray(), 1)[0];
        var best = Array.IndexOf(expected, expected.Max());
        Assert.Equal(labels[best], verdict.Label);
        Assert.Equal(expected[best], verdict.Score, 1e-5);
        Assert.Equal(best != 0 && expected[best] >= 0.3, verdict.IsDefect);
    }
}
