using System.Globalization;

namespace Dify.Edge.Link.Hub;

/// <summary>IoT Hub's MQTT topic names (device or module identity).</summary>
internal static class HubTopics
{
    public const string TwinResponses = "$iothub/twin/res/#";
    public const string DesiredPatches = "$iothub/twin/PATCH/properties/desired/#";
    public const string MethodRequests = "$iothub/methods/POST/#";

    private const string TwinResponsePrefix = "$iothub/twin/res/";
    private const string DesiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/";
    private const string MethodRequestPrefix = "$iothub/methods/POST/";

    public static string Telemetry(string deviceId, string? moduleId, string propertyBag) =>
        moduleId is null
            ? $"devices/{deviceId}/messages/events/{propertyBag}"
            : $"devices/{deviceId}/modules/{moduleId}/messages/events/{propertyBag}";

    /// <summary>Messages routed to the module's inputs by edgeHub: <c>devices/{d}/modules/{m}/inputs/{input}/{propertyBag}</c>.</summary>
    public static string InputMessages(string deviceId, string moduleId) => $"devices/{deviceId}/modules/{moduleId}/inputs/#";

    public static string TwinGet(string rid) => $"$iothub/twin/GET/?$rid={rid}";

    public static string ReportedPatch(string rid) => $"$iothub/twin/PATCH/properties/reported/?$rid={rid}";

    public static string MethodResponse(int status, string rid) =>
        string.Create(CultureInfo.InvariantCulture, $"$iothub/methods/res/{status}/?$rid={rid}");

    /// <summary><c>$iothub/twin/res/{status}/?$rid={rid}[&amp;$version={v}]</c></summary>
    public static bool TryParseTwinResponse(string topic, out int status, out string rid, out long? version)
    {
        status = 0;
        rid = "";
        version = null;
        if (!topic.StartsWith(TwinResponsePrefix, StringComparison.Ordinal) || !Split(topic[TwinResponsePrefix.Length..], out var path, out var query)
            || !int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out status) || !query.TryGetValue("$rid", out var r))
        {
            return false;
        }
        rid = r;
        version = ParseVersion(query);
        return true;
    }

    /// <summary><c>$iothub/twin/PATCH/properties/desired/?$version={v}</c></summary>
    public static bool TryParseDesiredPatch(string topic, out long? version)
    {
        version = null;
        if (!topic.StartsWith(DesiredPatchPrefix, StringComparison.Ordinal) || !Split(topic[DesiredPatchPrefix.Length..], out _, out var query))
        {
            return false;
        }
        version = ParseVersion(query);
        return true;
    }

    /// <summary><c>$iothub/methods/POST/{name}/?$rid={rid}</c></summary>
    public static bool TryParseMethodRequest(string topic, out string name, out string rid)
    {
        name = "";
        rid = "";
        if (!topic.StartsWith(MethodRequestPrefix, StringComparison.Ordinal) || !Split(topic[MethodRequestPrefix.Length..], out var path, out var query)
            || path.Length == 0 || !query.TryGetValue("$rid", out var r))
        {
            return false;
        }
        name = Uri.UnescapeDataString(path);
        rid = r;
        return true;
    }

    /// <summary><c>devices/{d}/modules/{m}/inputs/{input}/{propertyBag}</c> (the property bag may be empty).</summary>
    public static bool TryParseInputMessage(string topic, string deviceId, string? moduleId, out string inputName, out IReadOnlyDictionary<string, string> properties)
    {
        inputName = "";
        properties = new Dictionary<string, string>();
        var prefix = $"devices/{deviceId}/modules/{moduleId}/inputs/";
        if (moduleId is null || !topic.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = topic[prefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        inputName = Uri.UnescapeDataString(slash < 0 ? rest : rest[..slash]);
        if (inputName.Length == 0)
        {
            return false;
        }
        properties = slash < 0 ? new Dictionary<string, string>() : PropertyBag.Decode(rest[(slash + 1)..]);
        return true;
    }

    // "{path}/?{query}" -> path (without the trailing '/') and the parsed query.
    private static bool Split(string rest, out string path, out IReadOnlyDictionary<string, string> query)
    {
        var mark = rest.IndexOf('?', StringComparison.Ordinal);
        path = (mark < 0 ? rest : rest[..mark]).TrimEnd('/');
        query = mark < 0 ? new Dictionary<string, string>() : PropertyBag.Decode(rest[(mark + 1)..]);
        return true;
    }

    private static long? ParseVersion(IReadOnlyDictionary<string, string> query) =>
        query.TryGetValue("$version", out var v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : null;
}
