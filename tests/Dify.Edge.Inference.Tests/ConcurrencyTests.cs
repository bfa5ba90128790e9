namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class ConcurrencyTests(OrtFixture ort)
{
    [Fact]
    public async Task Concurrent_runs_on_one_session_each_get_their_own_correct_result()
    {
        using var session = ort.Load("defect_classifier.onnx", new InferenceOptions { IntraOpThreads = 1 });
        const int workers = 8;
        const int runsEach = 40;
        var failures = 0;

        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(() =>
        {
            for (var run = 0; run < runsEach; run++)
            {
                var seed = (worker * 1000) + run;
                var batch = 1 + (seed % 3);
                var image = Expected.Image(batch, seed);
                var actual = session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, batch, 3, 8, 8) })["probabilities"].Span<float>();
                var expected = Expected.Classifier(image, batch).SelectMany(r => r).ToArray();
                for (var i = 0; i < expected.Length; i++)
                {
                    if (Math.Abs(expected[i] - actual[i]) > 1e-5) Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task Dispose_during_concurrent_runs_lets_them_finish_or_refuse_cleanly()
    {
        var before = ort.Runtime.LiveHandles;
        var session = ort.Load("defect_classifier.onnx", new InferenceOptions { IntraOpThreads = 1 });
        var image = Expected.Image(2, seed: 9);
        var expected = Expected.Classifier(image, 2);
        var total = 0;
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var completed = 0;
            while (true)
            {
                try
                {
                    var result = session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, 2, 3, 8, 8) });
                    ClassifierTests.AssertClose(expected, result["probabilities"].Span<float>());
                    completed++;
                    Interlocked.Increment(ref total);
                }
                catch (ObjectDisposedException)
                {
                    return completed;
                }
            }
        })).ToArray();

        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref total) >= 20, TimeSpan.FromSeconds(30)), "runs did not start");
        session.Dispose();
        var counts = await Task.WhenAll(tasks);

        Assert.True(counts.Sum() >= 20);
        Assert.Equal(before, ort.Runtime.LiveHandles);
    }
}
