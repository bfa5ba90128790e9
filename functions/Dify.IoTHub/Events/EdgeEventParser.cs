using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Storage.Edge;

namespace Dify.IoTHub.Events;

/// <summary>
/// Turns one telemetry message into event records: a JSON object is one event, a JSON array several. The event id is
/// the body's <c>event_id</c>, else (one event) the <c>event-id</c> property or the message id. Whatever cannot be
/// read becomes one rejected record carrying the raw body and the reason, keyed by the message id (or the body's hash)
/// so a redelivered bad message is not stored twice.
/// </summary>
public static class EdgeEventParser
{
    public const int MaxEventIdLength = 256;

    public static IReadOnlyList<EdgeEventRecord> Parse(EdgeTelemetryMessage message, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        var moduleId = message.ModuleId ?? "";
        var properties = new JsonObject();
        foreach (var (key, value) in message.Properties.OrderBy(p => p.Key, StringComparer.Ordinal)) properties[key] = value;
        EdgeEventRecord Reject(string reason, string? key = null) => new(
            message.DeviceId, moduleId, key ?? RejectedKey(message), EdgeEventStatus.Rejected, message.Properties.GetValueOrDefault("event-source"), null, null,
            message.MessageId, null, message.EnqueuedAt, receivedAt, (JsonObject)properties.DeepClone(), null, Convert.ToBase64String(message.Body.Span), reason);

        if (string.IsNullOrWhiteSpace(message.DeviceId)) throw new ArgumentException("A telemetry message needs its device id.", nameof(message));
        if (message.ContentEncoding is { } encoding && !IsUtf8(encoding)) return [Reject($"content encoding '{encoding}' is not supported (events are UTF-8 JSON)")];
        if (message.ContentType is { } type && !IsJson(type)) return [Reject($"content type '{type}' is not supported (events are application/json)")];
        if (message.Body.IsEmpty) return [Reject("the message body is empty")];

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(message.Body.Span);
        }
        catch (JsonException e)
        {
            return [Reject("the body is not JSON: " + e.Message)];
        }

        switch (body)
        {
            case JsonObject single:
                var fallbackId = message.Properties.GetValueOrDefault("event-id") ?? message.MessageId;
                return [ToRecord(single, fallbackId, null)];
            case JsonArray { Count: 0 }:
                return [Reject("the body is an empty JSON array (no events)")];
            case JsonArray many:
                var records = new List<EdgeEventRecord>(many.Count);
                for (var i = 0; i < many.Count; i++)
                {
                    var elementKey = $"{RejectedKey(message)}/{i.ToString(CultureInfo.InvariantCulture)}";
                    records.Add(many[i] is JsonObject element
                        ? ToRecord(element, message.MessageId is { } mid ? $"{mid}/{i.ToString(CultureInfo.InvariantCulture)}" : null, elementKey)
                        : Reject($"element {i} of the body is not a JSON object", elementKey));
                }
                return records;
            default:
                return [Reject($"the body is JSON {body?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}, not an event object or an array of them")];
        }

        EdgeEventRecord ToRecord(JsonObject element, string? fallbackId, string? rejectKey)
        {
            string? eventId;
            try
            {
                eventId = Text(element, "event_id") ?? fallbackId;
            }
            catch (FormatException e)
            {
                return Reject(e.Message, rejectKey);
            }
            if (string.IsNullOrWhiteSpace(eventId)) return Reject("the event has no event_id (nor an event-id property or message id)", rejectKey);
            if (eventId.Length > MaxEventIdLength || eventId.Any(char.IsControl)) return Reject($"event_id is longer than {MaxEventIdLength} characters or holds control characters", rejectKey);
            DateTimeOffset? createdAt = null;
            try
            {
                if (Text(element, "created_at") is { } created)
                {
                    createdAt = DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                        ? at : throw new FormatException($"created_at '{created}' is not a date-time");
                }
                return new EdgeEventRecord(
                    message.DeviceId, moduleId, eventId, EdgeEventStatus.Accepted,
                    Text(element, "source") ?? message.Properties.GetValueOrDefault("event-source"),
                    Text(element, "template_version") ?? message.Properties.GetValueOrDefault("template-version"),
                    Text(element, "status") ?? message.Properties.GetValueOrDefault("run-status"),
                    message.MessageId, createdAt, message.EnqueuedAt, receivedAt, (JsonObject)properties.DeepClone(), (JsonObject)element.DeepClone(), null, null);
            }
            catch (FormatException e)
            {
                return Reject(e.Message, rejectKey);
            }
        }
    }

    /// <summary>A string field, or null when absent; a field of another JSON kind is a format error naming it.</summary>
    private static string? Text(JsonObject element, string name) => element[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => throw new FormatException($"{name} must be a string, not {other.GetValueKind().ToString().ToLowerInvariant()}"),
    };

    /// <summary>Rejected messages are keyed by message id, else by the hash of the body (stable across redeliveries).</summary>
    private static string RejectedKey(EdgeTelemetryMessage message) =>
        "rejected:" + (message.MessageId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(message.Body.Span)));

    private static bool IsUtf8(string encoding) => encoding.Trim().ToLowerInvariant() is "utf-8" or "utf8";

    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
