using System.Text.Json.Nodes;
using Azure;

namespace Dify.IoTHub;

/// <summary>A module twin as the service returned it: identity, ETag (for <c>If-Match</c>), versions and the property documents.</summary>
public sealed record ModuleTwin(string DeviceId, string ModuleId, ETag ETag, long Version, JsonObject Desired, JsonObject Reported, JsonObject Raw)
{
    internal static ModuleTwin From(JsonObject twin)
    {
        var properties = twin["properties"] as JsonObject;
        return new ModuleTwin(
            twin["deviceId"]?.GetValue<string>() ?? "", twin["moduleId"]?.GetValue<string>() ?? "",
            twin["etag"]?.GetValue<string>() is { } etag ? new ETag(etag) : default, twin["version"]?.GetValue<long>() ?? 0,
            properties?["desired"]?.DeepClone() as JsonObject ?? [], properties?["reported"]?.DeepClone() as JsonObject ?? [], twin);
    }
}

/// <summary>A direct method call: name, JSON payload, how long to wait for the module to answer and to connect.</summary>
public sealed record DirectMethodRequest(string MethodName, JsonNode? Payload = null)
{
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.Zero;
}

/// <summary>The module's answer: the status code it chose and its payload.</summary>
public sealed record DirectMethodResult(int Status, JsonNode? Payload);
