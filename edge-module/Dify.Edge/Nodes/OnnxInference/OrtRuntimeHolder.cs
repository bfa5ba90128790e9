using Dify.Edge.Inference;
using Dify.Edge.Inference.Native;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Nodes.OnnxInference;

/// <summary>
/// Loads ONNX Runtime on first use, once per process: a module whose templates use no model never maps the library
/// (keeps the idle footprint small).
/// </summary>
public sealed class OrtRuntimeHolder(InferenceOptions options, ILogger<OrtRuntimeHolder> logger) : IDisposable
{
    private readonly Lock gate = new();
    private OrtRuntime? runtime;

    public InferenceOptions Options { get; } = options;

    public bool IsLoaded => Volatile.Read(ref runtime) is not null;

    public OrtRuntime Runtime
    {
        get
        {
            var current = Volatile.Read(ref runtime);
            if (current is not null) return current;
            lock (gate)
            {
                runtime ??= OrtRuntime.Load(Options, logger);
                return runtime;
            }
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            runtime?.Dispose();
            runtime = null;
        }
    }
}
