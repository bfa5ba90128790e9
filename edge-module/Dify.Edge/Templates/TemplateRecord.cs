using System.Text.Json.Serialization;
using Dify.Workflows.Engine.Definition;

namespace Dify.Edge.Templates;

/// <summary>A template as stored on the device (state.json): the active version's file and key.</summary>
public sealed record TemplateRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("activated_at")] DateTimeOffset ActivatedAt);

/// <summary>An active template: its record and compiled definition.</summary>
public sealed record ActiveTemplate(TemplateRecord Record, WorkflowDefinition Definition)
{
    public string Id => Record.Id;
    public string Version => Record.Version;
    public bool Enabled => Record.Enabled;
}

/// <summary>The last outcome of a template version pushed to the device (reported back to the twin).</summary>
public sealed record TemplateStatus(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("error")] string? Error)
{
    public const string Active = "active";
    public const string Rejected = "rejected";
    public const string Disabled = "disabled";
    public const string Removed = "removed";
}
