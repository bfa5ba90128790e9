using System.Text.Json;

namespace Dify.Durable;

/// <summary>Settings of <see cref="EmbeddedDurableRuntime"/>.</summary>
public sealed class EmbeddedRuntimeOptions
{
    /// <summary>SQLite file holding instances and their histories (created if missing).</summary>
    public string DatabasePath { get; set; } = "durable.db";

    /// <summary>Activities running at once across all orchestrations; more wait for a slot.</summary>
    public int MaxConcurrentActivities { get; set; } = 256;

    /// <summary>For activity results, events, custom status; default: <see cref="JsonSerializerDefaults.Web"/>.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>Stores a hash of each activity input's JSON with the scheduled event, so replay checks can tell
    /// when an input changed. Costs one serialisation per call; turn off if inputs are large or not serialisable.</summary>
    public bool RecordActivityInputHashes { get; set; } = true;
}
