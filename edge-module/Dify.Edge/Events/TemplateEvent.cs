using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dify.Edge.Events;

/// <summary>
/// What a finished template run hands to the cloud: its end outputs (or its error). <see cref="EventId"/> is the run id,
/// so an event re-sent after a crash carries the same id and the cloud drops the duplicate.
/// </summary>
public sealed record TemplateEvent(
    [property: JsonPropertyName("event_id")] Guid EventId,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("template_version")] string TemplateVersion,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("outputs")] JsonObject Outputs,
    [property: JsonPropertyName("error")] string? Error = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static TemplateEvent FromUtf8Json(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<TemplateEvent>(json, Json)
        ?? throw new JsonException("empty event");
}
