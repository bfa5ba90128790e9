using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dify.IoTHub.Templates;
using Dify.Storage.Edge;

namespace Dify.Api.Edge;

/// <summary><c>POST /console/api/edge/devices/{device_id}/modules/{module_id}/templates</c>.</summary>
public sealed class EdgeTemplateBody
{
    public string? Name { get; set; }
    public string? Version { get; set; }
    public string? YamlContent { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EdgeTemplateBody))]
internal sealed partial class EdgeJsonContext : JsonSerializerContext;

/// <summary>The console's JSON for edge events and module templates (times as unix seconds, as Dify's console).</summary>
internal static class EdgeJson
{
    public static JsonObject Event(EdgeEventRecord e) => new()
    {
        ["device_id"] = e.DeviceId,
        ["module_id"] = e.ModuleId,
        ["event_id"] = e.EventId,
        ["status"] = e.Status,
        ["source"] = e.Source,
        ["template_version"] = e.TemplateVersion,
        ["run_status"] = e.RunStatus,
        ["message_id"] = e.MessageId,
        ["created_at"] = e.CreatedAt?.ToUnixTimeSeconds(),
        ["enqueued_at"] = e.EnqueuedAt.ToUnixTimeSeconds(),
        ["received_at"] = e.ReceivedAt.ToUnixTimeSeconds(),
        ["properties"] = e.Properties.DeepClone(),
        ["event"] = e.Event?.DeepClone(),
        ["raw_body"] = e.RawBody,
        ["error"] = e.Error,
    };

    /// <summary>One entry per template the twin names: what was asked (<c>desired_version</c>) and what the module reports.</summary>
    public static JsonObject Templates(string deviceId, string moduleId, ModuleTemplates templates)
    {
        var data = new JsonArray();
        var names = templates.Desired.Select(p => p.Key).Union(templates.Reported.Select(p => p.Key)).Where(n => !n.StartsWith('$')).Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var desired = templates.Desired[name] as JsonObject;
            var reported = templates.Reported[name] as JsonObject;
            data.Add(new JsonObject
            {
                ["name"] = name,
                ["desired_version"] = desired?["version"]?.DeepClone(),
                ["version"] = reported?["version"]?.DeepClone(),
                ["status"] = reported?["status"]?.DeepClone() ?? (desired is null ? null : "pending"),
                ["error"] = reported?["error"]?.DeepClone(),
            });
        }
        return new JsonObject { ["device_id"] = deviceId, ["module_id"] = moduleId, ["data"] = data };
    }
}
