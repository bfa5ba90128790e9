using Xunit.Abstractions;
using Dify.Edge.Inference.Native;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Inference.Tests;

[Collection(OrtCollection.Name)]
public sealed class ProviderAndLoaderTests(OrtFixture ort, ITestOutputHelper output)
{
    [Fact]
    public void Cuda_without_a_gpu_falls_back_to_cpu_with_one_warning()
    {
        var logger = new CapturingLogger();
        var options = new InferenceOptions { ExecutionProvider = ExecutionProvider.Cuda, DeviceId = 0, IntraOpThreads = 1 };

        using var session = InferenceSession.Load(ort.Runtime, ort.Model("defect_classifier.onnx"), options, logger);

        Assert.Equal(ExecutionProvider.Cpu, session.ExecutionProvider);
        var warning = Assert.Single(logger.At(LogLevel.Warning));
        output.WriteLine(warning);
        Assert.Contains("CUDA execution provider (device 0) is not available, falling back to CPU", warning, StringComparison.Ordinal);
        var image = Expected.Image(1, seed: 5);
        ClassifierTests.AssertClose(Expected.Classifier(image, 1),
            session.Run(new Dictionary<string, Tensor> { ["image"] = Tensor.FromFloat(image, 1, 3, 8, 8) })["probabilities"].Span<float>());
    }

    [Fact]
    public void Cpu_sessions_log_no_warning_and_report_their_load()
    {
        var logger = new CapturingLogger();

        using var session = InferenceSession.Load(ort.Runtime, ort.Model("defect_classifier.onnx"), new InferenceOptions(), logger);

        Assert.Empty(logger.At(LogLevel.Warning));
        Assert.Contains(logger.At(LogLevel.Information), m => m.Contains("Loaded model defect_classifier.onnx on Cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void Runtime_reports_the_bound_version_and_cpu_provider()
    {
        Assert.True(Version.Parse(ort.Runtime.Version) >= new Version(1, 22), ort.Runtime.Version);
        Assert.Equal(22u, ort.Runtime.ApiVersion);
        Assert.Contains("CPUExecutionProvider", ort.Runtime.GetAvailableProviders());
    }

    [Fact]
    public void Configured_path_wins_then_environment_variable()
    {
        var folder = Path.GetDirectoryName(ort.Runtime.LibraryPath)!;
        var options = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Inference:RuntimePath"] = folder,
                ["Inference:IntraOpThreads"] = "1",
                ["Inference:ExecutionProvider"] = "cuda",
                ["Inference:DeviceId"] = "1",
                ["Inference:GraphOptimizationLevel"] = "Extended",
            })
            .Build().GetSection(InferenceOptions.SectionName).Get<InferenceOptions>()!;
        Assert.Equal(1, options.IntraOpThreads);
        Assert.Equal(ExecutionProvider.Cuda, options.ExecutionProvider);
        Assert.Equal(1, options.DeviceId);
        Assert.Equal(GraphOptimizationLevel.Extended, options.GraphOptimizationLevel);

        using (var configured = OrtRuntime.Load(options, _ => "/nonexistent/libonnxruntime.so", null))
        {
            Assert.StartsWith(folder, configured.LibraryPath, StringComparison.Ordinal);
        }

        using (var fromEnvironment = OrtRuntime.Load(new InferenceOptions(), name => name == "ORT_LIB_PATH" ? Path.Combine(folder, "libonnxruntime.so") : null, null))
        {
            Assert.Equal(Path.Combine(folder, "libonnxruntime.so"), fromEnvironment.LibraryPath);
        }

        var wrong = Assert.Throws<DllNotFoundException>(() => OrtRuntime.Load(new InferenceOptions(), _ => "/nonexistent/libonnxruntime.so", null));
        Assert.Contains("ORT_LIB_PATH", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configuration_the_repository_folder_is_found()
    {
        using var runtime = OrtRuntime.Load(new InferenceOptions(), _ => null, null);

        Assert.Contains(Path.Combine(".tools", "onnxruntime", "lib"), runtime.LibraryPath, StringComparison.Ordinal);
    }
}
