using System.Diagnostics;
using Dify.Edge.Inference.Native;
using Dify.Testing;

namespace Dify.Edge.Inference.Tests;

/// <summary>
/// The real ONNX Runtime (edge-module/setup-onnxruntime.sh puts it in .tools/onnxruntime/lib) and the test models,
/// generated once per run by edge-module/models/generate_models.py (Debian python3-onnx).
/// </summary>
public sealed class OrtFixture : IDisposable
{
    private readonly TempDirectory models = new("dify-edge-models");

    public OrtFixture()
    {
        GenerateModels(models.Path);
        Runtime = OrtRuntime.Load(new InferenceOptions());
    }

    public OrtRuntime Runtime { get; }

    public string Model(string fileName) => models.Combine(fileName);

    public InferenceSession Load(string fileName, InferenceOptions? options = null) =>
        InferenceSession.Load(Runtime, Model(fileName), options ?? new InferenceOptions { IntraOpThreads = 1 });

    public void Dispose()
    {
        Runtime.Dispose();
        models.Dispose();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge-module", "models", "generate_models.py")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root (edge-module/models/generate_models.py) not found above " + AppContext.BaseDirectory);
    }

    private static void GenerateModels(string outDir)
    {
        var script = Path.Combine(RepositoryRoot(), "edge-module", "models", "generate_models.py");
        var python = Environment.GetEnvironmentVariable("DIFY_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(outDir);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{python} {script} failed ({process.ExitCode}); is python3-onnx installed? {stderr}{stdout.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class OrtCollection : ICollectionFixture<OrtFixture>
{
    public const string Name = "onnxruntime";
}
