using System.Collections.Concurrent;
using Dify.Edge.Inference;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>
/// Resolves a node's <c>model</c> (an absolute path, or a model id / relative path inside the model folder) and keeps
/// one warmed-up <see cref="InferenceSession"/> per file. A failed load is not cached, so fixing the file fixes the node.
/// </summary>
public sealed class ModelCatalog(OrtRuntimeHolder runtime, string modelDirectory, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InferenceSession>> sessions = new(StringComparer.Ordinal);
    private readonly ILogger logger = loggers.CreateLogger<ModelCatalog>();

    public string ModelDirectory { get; } = Path.GetFullPath(modelDirectory);

    public OrtRuntimeHolder Runtime { get; } = runtime;

    public int LoadedCount => sessions.Values.Count(s => s.IsValueCreated);

    /// <summary>The model file for <paramref name="model"/>, or null with the reason.</summary>
    public string? Resolve(string model, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(model))
        {
            error = "model is empty";
            return null;
        }

        if (Path.IsPathRooted(model))
        {
            if (File.Exists(model)) return Path.GetFullPath(model);
            error = $"model file {model} does not exist";
            return null;
        }

        var candidates = new[] { model + ".onnx", model, Path.Combine(model, "model.onnx") };
        foreach (var candidate in candidates)
        {
            var full = Path.GetFullPath(Path.Combine(ModelDirectory, candidate));
            if (!full.StartsWith(ModelDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                error = $"model '{model}' points outside the model folder";
                return null;
            }

            if (File.Exists(full)) return full;
        }

        error = $"model '{model}' not found in {ModelDirectory} (tried {string.Join(", ", candidates)})";
        return null;
    }

    /// <summary>The session for a resolved model file, loading (and warming up) it on first use.</summary>
    public InferenceSession Get(string path)
    {
        var lazy = sessions.GetOrAdd(path, p => new Lazy<InferenceSession>(() => Load(p), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            sessions.TryRemove(new KeyValuePair<string, Lazy<InferenceSession>>(path, lazy));
            throw;
        }
    }

    private InferenceSession Load(string path)
    {
        logger.LogInformation("Loading model {ModelPath}", path);
        return InferenceSession.Load(Runtime.Runtime, path, Runtime.Options, logger);
    }

    public void Dispose()
    {
        foreach (var lazy in sessions.Values)
        {
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        }

        sessions.Clear();
    }
}
