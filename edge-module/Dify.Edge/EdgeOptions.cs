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

    /// <summary>
    /// Development: a device or module connection string (<c>HostName=..;DeviceId=..;ModuleId=..;SharedAccessKey=..[;GatewayHostName=..]</c>).
    /// Takes precedence over the IoT Edge environment (<c>IOTEDGE_*</c>); with neither the module runs offline-only.
    /// </summary>
    public string? HubConnectionString { get; set; }

    /// <summary>MQTT port of the hub or gateway; default 8883 with TLS, 1883 without.</summary>
    public int? HubPort { get; set; }

    /// <summary>TLS to the hub or gateway (default true); false for a plain local broker such as mosquitto.</summary>
    public bool HubUseTls { get; set; } = true;

    /// <summary>Most events the offline queue (<c>{data}/queue/events.db</c>) keeps; past it the oldest are dropped and counted.</summary>
    public long QueueMaxEvents { get; set; } = 100_000;

    /// <summary>Most bytes the offline queue keeps; past it the oldest events are dropped and counted.</summary>
    public long QueueMaxBytes { get; set; } = 256L * 1024 * 1024;

    public string ResolvedModelDirectory => ModelDirectory is { Length: > 0 } m ? Path.GetFullPath(m) : Path.Combine(Path.GetFullPath(DataDirectory), "models");
}
