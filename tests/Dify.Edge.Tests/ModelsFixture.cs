using System.Diagnostics;
using Dify.Testing;

namespace Dify.Edge.Tests;

/// <summary>The test models from edge-module/models/generate_models.py (Debian python3-onnx), generated once per run.</summary>
public sealed class ModelsFixture : IDisposable
{
    private readonly TempDirectory models = new("dify-edge-host-models");

    public ModelsFixture()
    {
        var script = Path.Combine(RepositoryRoot(), "edge-module", "models", "generate_models.py");
        var python = Environment.GetEnvironmentVariable("DIFY_PYTHON") ?? (File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(models.Path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed: {stderr}{stdout.Result}");
    }

    public string Directory => models.Path;

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge-module", "models", "generate_models.py"))) return dir.FullName;
        }

        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }

    public void Dispose() => models.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ModelsCollection : ICollectionFixture<ModelsFixture>
{
    public const string Name = "edge-models";
}
