using System.Text.Json;

namespace Dify.Edge.Link.Hub;

/// <summary>The module twin's properties as IoT Hub returned them.</summary>
public sealed record HubTwin(JsonElement Desired, JsonElement Reported);

/// <summary>A desired-properties patch pushed by the hub; <see cref="Version"/> is the twin's desired version.</summary>
public sealed record DesiredPropertiesPatch(JsonElement Patch, long? Version);

/// <summary>A direct method call; <see cref="Payload"/> is the request's JSON body (may be empty).</summary>
public sealed record DirectMethodRequest(string Name, ReadOnlyMemory<byte> Payload);

/// <summary>
/// A message routed to one of the module's inputs (edgeHub route <c>INTO BrokeredEndpoint("/modules/{m}/inputs/{name}")</c>).
/// <see cref="Properties"/> holds the application and system properties of the topic's property bag (e.g. <c>$.ct</c>).
/// </summary>
public sealed record ModuleInputMessage(string InputName, IReadOnlyDictionary<string, string> Properties, ReadOnlyMemory<byte> Payload);

/// <summary>The answer to a direct method: an HTTP-like status and an optional JSON body.</summary>
public sealed record DirectMethodResponse(int Status, ReadOnlyMemory<byte> Payload = default);

/// <summary>IoT Hub answered a twin request with a non-success status.</summary>
public sealed class HubRequestException(string operation, int status, string body)
    : Exception($"IoT Hub answered {operation} with status {status}: {body}")
{
    public int Status { get; } = status;
}
