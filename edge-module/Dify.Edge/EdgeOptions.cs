namespace Dify.Edge;

/// <summary>The module's own settings, bound from the <c>Edge</c> section (env <c>Edge__DataDirectory</c>, ...).</summary>
public sealed class EdgeOptions
{
    public const string SectionName = "Edge";

    /// <summary>Durable state: runs (durable.db), templates, pending events, the offline queue. A bind mount in production.</summary>
    public string DataDirectory { get; set; } = "/app/data";

    /// <summary>Where model ids resolve (<c>{id}.onnx</c>, <c>{id}</c> or <c>{id}/model.onnx</c>); default <c>{DataDirectory}/models</c>.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Frames/readings dropped here trigger the enabled templates; empty disables the watcher.</summary>
    public string? InputDirectory { get; set; }

    /// <summary>How often the input folder is scanned.</summary>
    public int InputPollMilliseconds { get; set; } = 250;

    /// <summary>Largest template file accepted (inline or fetched).</summary>
    public int MaxTemplateBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest input file the watcher picks up.</summary>
    public int MaxInputBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Time limit for fetching a template by url.</summary>
    public int TemplateFetchTimeoutSeconds { get; set; } = 30;

    /// <summary>Runs of templates executing at once (input-triggered); further inputs wait.</summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    public string ResolvedModelDirectory => ModelDirectory is { Length: > 0 } m ? Path.GetFullPath(m) : Path.Combine(Path.GetFullPath(DataDirectory), "models");
}
