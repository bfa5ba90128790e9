using Dify.Edge.Link.Hub;

namespace Dify.Host.LocalHub;

/// <summary>IoT Hub's MQTT topics as the hub side sees them (the module's side is Dify.Edge.Link's HubTopics).</summary>
internal static class LocalHubTopics
{
    public const string ModuleTelemetry = "devices/+/modules/+/messages/events/#";
    public const string DeviceTelemetry = "devices/+/messages/events/#";
    public const string TwinGet = "$iothub/twin/GET/#";
    public const string ReportedPatch = "$iothub/twin/PATCH/properties/reported/#";

    private const string TwinGetPrefix = "$iothub/twin/GET/";
    private const string ReportedPrefix = "$iothub/twin/PATCH/properties/reported/";

    public static string TwinResponse(int status, string rid, long? version = null) =>
        FormattableString.Invariant($"$iothub/twin/res/{status}/?$rid={Uri.EscapeDataString(rid)}") + (version is { } v ? FormattableString.Invariant($"&$version={v}") : "");

    public static string DesiredPatch(long version) => FormattableString.Invariant($"$iothub/twin/PATCH/properties/desired/?$version={version}");

    public static bool IsTwinGet(string topic, out string rid) => TryRid(topic, TwinGetPrefix, out rid);

    public static bool IsReportedPatch(string topic, out string rid) => TryRid(topic, ReportedPrefix, out rid);

    /// <summary><c>devices/{d}[/modules/{m}]/messages/events/{property bag}</c>.</summary>
    public static bool TryParseTelemetry(string topic, out string deviceId, out string? moduleId, out IReadOnlyDictionary<string, string> properties)
    {
        (deviceId, moduleId, properties) = ("", null, new Dictionary<string, string>());
        const string marker = "/messages/events/";
        var at = topic.IndexOf(marker, StringComparison.Ordinal);
        if (!topic.StartsWith("devices/", StringComparison.Ordinal) || at < 0) return false;
        var identity = topic["devices/".Length..at];
        var modules = identity.IndexOf("/modules/", StringComparison.Ordinal);
        deviceId = modules < 0 ? identity : identity[..modules];
        moduleId = modules < 0 ? null : identity[(modules + "/modules/".Length)..];
        if (deviceId.Length == 0 || deviceId.Contains('/', StringComparison.Ordinal) || moduleId is { Length: 0 } || (moduleId?.Contains('/', StringComparison.Ordinal) ?? false)) return false;
        properties = PropertyBag.Decode(topic[(at + marker.Length)..]);
        return true;
    }

    private static bool TryRid(string topic, string prefix, out string rid)
    {
        rid = "";
        if (!topic.StartsWith(prefix, StringComparison.Ordinal)) return false;
        var query = topic.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 && PropertyBag.Decode(topic[(query + 1)..]).TryGetValue("$rid", out rid!) && rid.Length > 0;
    }
}
