using System.Runtime.CompilerServices;
using Dify.Edge.Inference.Native;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class HandleTests(OrtFixture ort)
{
    private static Dictionary<string, Tensor> Zeros() => new() { ["image"] = Tensor.FromFloat(new float[192], 1, 3, 8, 8) };

    [Fact]
    public void Dispose_twice_is_safe_and_releases_everything_once()
    {
        var before = ort.Runtime.LiveHandles;
        var session = ort.Load("defect_classifier.onnx");
        Assert.True(ort.Runtime.LiveHandles > before);

        session.Dispose();
        session.Dispose();

        Assert.Equal(before, ort.Runtime.LiveHandles);
        Assert.Throws<ObjectDisposedException>(() => session.Run(Zeros()));
    }

    [Fact]
    public void Runs_release_their_input_and_output_values()
    {
        using var session = ort.Load("two_in_two_out.onnx");
        var before = ort.Runtime.LiveHandles;
        var released = ort.Runtime.ReleasedHandles;

        session.Run(new Dictionary<string, Tensor> { ["a"] = Tensor.FromFloat([1, 2, 3], 1, 3), ["b"] = Tensor.FromFloat([1, 2, 3], 1, 3) });

        Assert.Equal(before, ort.Runtime.LiveHandles);
        // 2 input values + 2 output values + 2 type/shape infos read from the outputs.
        Assert.Equal(released + 6, ort.Runtime.ReleasedHandles);
    }

    [Fact]
    public void Failed_runs_release_their_values_too()
    {
        using var session = ort.Load("defect_classifier.onnx");
        var before = ort.Runtime.LiveHandles;

        Assert.Throws<OnnxRuntimeException>(() =>
            session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(new float[168], 1, 3, 8, 7) }));

        Assert.Equal(before, ort.Runtime.LiveHandles);
    }

    [Fact]
    public void Abandoned_sessions_are_released_by_their_finalisers()
    {
        var before = ort.Runtime.LiveHandles;
        var released = ort.Runtime.ReleasedHandles;

        LoadAndAbandon(ort, 3);
        Assert.True(ort.Runtime.LiveHandles > before);
        for (var i = 0; i < 3 && ort.Runtime.LiveHandles != before; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(before, ort.Runtime.LiveHandles);
        Assert.True(ort.Runtime.ReleasedHandles >= released + 6);
    }

    [Fact]
    public void A_session_outlives_the_runtime_it_was_loaded_with()
    {
        var runtime = OrtRuntime.Load(new InferenceOptions());
        var session = InferenceSession.Load(runtime, ort.Model("defect_classifier.onnx"), new InferenceOptions { IntraOpThreads = 1 });

        runtime.Dispose();
        var image = Expected.Image(1, seed: 11);
        var result = session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, 1, 3, 8, 8) });
        session.Dispose();

        ClassifierTests.AssertClose(Expected.Classifier(image, 1), result["probabilities"].Span<float>());
        Assert.Equal(0, runtime.LiveHandles);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadAndAbandon(OrtFixture ort, int count)
    {
        for (var i = 0; i < count; i++)
        {
            ort.Load("defect_classifier.onnx").Run(Zeros());
        }
    }
}
