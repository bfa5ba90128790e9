namespace Dify.Edge.Inference;

/// <summary>Where to find ONNX Runtime and how sessions run. Bound from the <c>Inference</c> configuration section.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>
    /// <c>Inference:RuntimePath</c>: libonnxruntime.so (file or folder). When empty the loader tries env
    /// <c>ORT_LIB_PATH</c>, then the repository's <c>.tools/onnxruntime/lib</c>, then the app folder, then the system loader.
    /// </summary>
    public string? RuntimePath { get; set; }

    /// <summary>Threads inside one operator; 0 = ONNX Runtime's default (one per physical core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads across operators (only used with parallel execution); 0 = default.</summary>
    public int InterOpThreads { get; set; }

    public GraphOptimizationLevel GraphOptimizationLevel { get; set; } = GraphOptimizationLevel.All;

    /// <summary><c>cpu</c> or <c>cuda</c>. CUDA falls back to CPU (one warning) when the runtime cannot provide it.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU ordinal for the CUDA provider.</summary>
    public int DeviceId { get; set; }

    /// <summary>Run once on zero inputs right after loading, so the first real request does not pay for allocation.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// <c>Inference:MaxImagePixels</c>: largest input frame (width x height) an image node decodes; larger PNG/JPEG/PPM
    /// headers are refused before any pixel buffer is allocated. Default 64 Mi pixels.
    /// </summary>
    public long MaxImagePixels { get; set; } = 64L * 1024 * 1024;

    internal void Validate()
    {
        if (IntraOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), IntraOpThreads, "must be >= 0");
        if (InterOpThreads < 0) throw new ArgumentOutOfRangeException(nameof(InterOpThreads), InterOpThreads, "must be >= 0");
        if (MaxImagePixels < 1) throw new ArgumentOutOfRangeException(nameof(MaxImagePixels), MaxImagePixels, "must be >= 1");
        if (DeviceId < 0) throw new ArgumentOutOfRangeException(nameof(DeviceId), DeviceId, "must be >= 0");
        if (!Enum.IsDefined(GraphOptimizationLevel)) throw new ArgumentOutOfRangeException(nameof(GraphOptimizationLevel));
        if (!Enum.IsDefined(ExecutionProvider)) throw new ArgumentOutOfRangeException(nameof(ExecutionProvider));
    }
}

/// <summary>ONNX Runtime graph optimisation levels (values as ORT's <c>GraphOptimizationLevel</c>).</summary>
public enum GraphOptimizationLevel
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}

public enum ExecutionProvider
{
    Cpu = 0,
    Cuda = 1,
}
