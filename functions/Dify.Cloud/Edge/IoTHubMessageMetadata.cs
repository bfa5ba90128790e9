using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Edge;

/// <summary>
/// What an IoT Hub device-to-cloud message carries beside its body, read from the Event Hubs trigger's per-message
/// <c>systemPropertiesArray</c> / <c>propertiesArray</c> entries: the sender (<c>iothub-connection-device-id</c>,
/// <c>iothub-connection-module-id</c>), its message id, content type and encoding, and the application properties as text.
/// </summary>
public sealed record IoTHubMessageMetadata(
    string DeviceId, string? ModuleId, string? MessageId, string? ContentType, string? ContentEncoding, IReadOnlyDictionary<string, string> Properties)
{
    public const string DeviceIdProperty = "iothub-connection-device-id";
    public const string ModuleIdProperty = "iothub-connection-module-id";

    /// <summary>Throws <see cref="FormatException"/> naming the batch position when the sender is missing (not an IoT Hub message).</summary>
    public static IoTHubMessageMetadata Read(IReadOnlyDictionary<string, JsonElement>? system, IReadOnlyDictionary<string, JsonElement>? properties, int position)
    {
        var deviceId = Text(system, DeviceIdProperty)
            ?? throw new FormatException($"Message {position} of the batch has no '{DeviceIdProperty}' system property: it did not come from an IoT Hub device.");
        var application = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in properties ?? new Dictionary<string, JsonElement>())
            if (AsText(value) is { } text) application[name] = text;
        return new IoTHubMessageMetadata(deviceId, Text(system, ModuleIdProperty), Text(system, "message-id"),
            Text(system, "content-type"), Text(system, "content-encoding"), application);
    }

    /// <summary>
    /// The metadata of every message of a batch that came from a device, with its position in the batch; any other
    /// message is logged and left out, so one stray message does not cost the batch (Event Hubs moves on either way).
    /// </summary>
    public static IReadOnlyList<(int Position, IoTHubMessageMetadata Metadata)> ReadBatch(
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>?> systemProperties, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>?> properties, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(systemProperties);
        ArgumentNullException.ThrowIfNull(properties);
        var result = new List<(int, IoTHubMessageMetadata)>(systemProperties.Count);
        for (var i = 0; i < systemProperties.Count; i++)
        {
            try
            {
                result.Add((i, Read(systemProperties[i], i < properties.Count ? properties[i] : null, i)));
            }
            catch (FormatException e)
            {
                logger.LogWarning("Skipped a message of the IoT Hub batch: {Reason}", e.Message);
            }
        }
        return result;
    }

    private static string? Text(IReadOnlyDictionary<string, JsonElement>? values, string name) =>
        values is not null && values.TryGetValue(name, out var value) ? AsText(value) : null;

    private static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean().ToString(CultureInfo.InvariantCulture).ToLowerInvariant(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
