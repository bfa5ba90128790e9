using System.Text.Json.Nodes;

namespace Dify.IoTHub.Templates;

/// <summary>
/// Sends templates down to one device module and reads back what the module reports. Adapters: IoT Hub's service REST
/// API (<see cref="IoTHubTemplateChannel"/>) and, for local development, the host's MQTT stand-in for IoT Hub.
/// </summary>
public interface IModuleTemplateChannel
{
    /// <summary>Sets <c>desired.templates.{templateId}</c> for the module; returns the twin's template sections after the update.</summary>
    Task<ModuleTemplates> PublishAsync(string deviceId, string moduleId, string templateId, string version, string dsl, CancellationToken cancellationToken);

    /// <summary>The module twin's <c>desired.templates</c> and <c>reported.templates</c>.</summary>
    Task<ModuleTemplates> GetAsync(string deviceId, string moduleId, CancellationToken cancellationToken);
}

/// <summary>The template sections of a module twin: what the cloud asked for and what the module reports (<c>{id: {version, status, error}}</c>).</summary>
public sealed record ModuleTemplates(JsonObject Desired, JsonObject Reported);

/// <summary>The channel cannot reach or does not know the module (HTTP-like <see cref="Status"/>: 404 unknown module, 503 hub unreachable).</summary>
public sealed class ModuleTemplateChannelException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    public int Status { get; } = status;
}
