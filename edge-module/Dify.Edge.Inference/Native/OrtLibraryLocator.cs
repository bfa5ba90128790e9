using System.Runtime.InteropServices;

namespace Dify.Edge.Inference.Native;

/// <summary>
/// Finds and loads libonnxruntime: <c>Inference:RuntimePath</c>, then env <c>ORT_LIB_PATH</c> (either one, when set,
/// must load: a wrong explicit path is an error, not a silent fallback), then the repository's
/// <c>.tools/onnxruntime/lib</c> (found upwards from the app and working folders), then the app folder, then the
/// system loader's own search.
/// </summary>
internal static class OrtLibraryLocator
{
    public const string EnvironmentVariable = "ORT_LIB_PATH";
    public const string RepositoryFolder = ".tools/onnxruntime/lib";
    private static readonly string[] FileNames = ["libonnxruntime.so", "libonnxruntime.so.1"];

    public static (nint Handle, string Path, string Source) Load(string? configuredPath, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return LoadExplicit(configuredPath, "Inference:RuntimePath");
        }

        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return LoadExplicit(fromEnvironment, EnvironmentVariable);
        }

        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = FirstExisting(Path.Combine(dir.FullName, RepositoryFolder));
                if (candidate != null && NativeLibrary.TryLoad(candidate, out var handle))
                {
                    return (handle, candidate, "repository .tools/onnxruntime/lib");
                }
            }
        }
        tried.Add($"{RepositoryFolder} above {AppContext.BaseDirectory} and {Environment.CurrentDirectory}");

        var beside = FirstExisting(AppContext.BaseDirectory);
        if (beside != null && NativeLibrary.TryLoad(beside, out var besideHandle))
        {
            return (besideHandle, beside, "app folder");
        }
        tried.Add(AppContext.BaseDirectory);

        foreach (var name in FileNames)
        {
            if (NativeLibrary.TryLoad(name, out var systemHandle))
            {
                return (systemHandle, name, "system loader");
            }
        }
        tried.Add("system loader (" + string.Join(", ", FileNames) + ")");

        throw new DllNotFoundException(
            "ONNX Runtime (libonnxruntime.so) not found; looked in: " + string.Join("; ", tried) +
            $". Set Inference:RuntimePath or {EnvironmentVariable}, or run edge-module/setup-onnxruntime.sh.");
    }

    private static (nint, string, string) LoadExplicit(string path, string source)
    {
        var file = Directory.Exists(path) ? FirstExisting(path) ?? Path.Combine(path, FileNames[0]) : path;
        try
        {
            return (NativeLibrary.Load(file), Path.GetFullPath(file), source);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException($"ONNX Runtime from {source} '{path}' could not be loaded: {e.Message}", e);
        }
    }

    private static string? FirstExisting(string folder) =>
        FileNames.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
}
