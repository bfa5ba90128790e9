using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dify.Api.Http;

/// <summary><c>POST /workflows/run</c>.</summary>
public sealed class WorkflowRunBody
{
    public JsonObject? Inputs { get; set; }
    public string? ResponseMode { get; set; }
    public string? User { get; set; }
    public JsonArray? Files { get; set; }
}

/// <summary><c>POST /chat-messages</c>.</summary>
public sealed class ChatMessageBody
{
    public string? Query { get; set; }
    public JsonObject? Inputs { get; set; }
    public string? ResponseMode { get; set; }
    public string? User { get; set; }
    public string? ConversationId { get; set; }
    public JsonArray? Files { get; set; }
    public bool? AutoGenerateName { get; set; }
}

/// <summary><c>POST /completion-messages</c>.</summary>
public sealed class CompletionMessageBody
{
    public JsonObject? Inputs { get; set; }
    public string? ResponseMode { get; set; }
    public string? User { get; set; }
    public JsonArray? Files { get; set; }
}

/// <summary><c>PUT /conversations/{id}/variables/{variable_id}</c>.</summary>
public sealed class UpdateVariableBody
{
    public JsonNode? Value { get; set; }
    public string? User { get; set; }
}

/// <summary><c>POST /messages/{id}/feedbacks</c>.</summary>
public sealed class FeedbackBody
{
    public string? Rating { get; set; }
    public string? User { get; set; }
    public string? Content { get; set; }
}

/// <summary>Bodies that only name the end user (stop, delete conversation).</summary>
public sealed class UserBody
{
    public string? User { get; set; }
}

/// <summary><c>POST /conversations/{id}/name</c>.</summary>
public sealed class RenameConversationBody
{
    public string? Name { get; set; }
    public bool? AutoGenerate { get; set; }
    public string? User { get; set; }
}

/// <summary><c>POST /console/api/apps/imports</c>.</summary>
public sealed class AppImportBody
{
    public string? Mode { get; set; }
    public string? YamlContent { get; set; }
    public string? YamlUrl { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, AllowTrailingCommas = false)]
[JsonSerializable(typeof(WorkflowRunBody))]
[JsonSerializable(typeof(ChatMessageBody))]
[JsonSerializable(typeof(UserBody))]
[JsonSerializable(typeof(CompletionMessageBody))]
[JsonSerializable(typeof(UpdateVariableBody))]
[JsonSerializable(typeof(FeedbackBody))]
[JsonSerializable(typeof(RenameConversationBody))]
[JsonSerializable(typeof(AppImportBody))]
internal sealed partial class RequestJsonContext : JsonSerializerContext;
