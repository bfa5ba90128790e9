using System.Text.Json.Nodes;
using Dify.Workflows.Engine.Definition;

namespace Dify.Api.AppInfo;

/// <summary><c>GET /parameters</c>: the app's features (with Dify's defaults) and the start node's input form.</summary>
public static class AppParameters
{
    public static JsonObject From(WorkflowDefinition definition)
    {
        var features = definition.Document.Features;
        JsonNode? Feature(string name, JsonNode? fallback) => features[name]?.DeepClone() ?? fallback;
        JsonObject Disabled() => new() { ["enabled"] = false };

        var form = new JsonArray();
        foreach (var v in definition.StartForm?.Variables ?? [])
        {
            var item = (JsonObject)v.Raw.DeepClone();
            item["variable"] = v.Variable;
            item["label"] = v.Label;
            item["type"] = v.Type;
            item["required"] = v.Required;
            item["max_length"] = v.MaxLength;
            item["default"] = v.Default?.DeepClone();
            item["options"] ??= new JsonArray();
            form.Add(new JsonObject { [v.Type] = item });
        }

        return new JsonObject
        {
            ["opening_statement"] = Feature("opening_statement", null),
            ["suggested_questions"] = Feature("suggested_questions", new JsonArray()),
            ["suggested_questions_after_answer"] = Feature("suggested_questions_after_answer", Disabled()),
            ["speech_to_text"] = Feature("speech_to_text", Disabled()),
            ["text_to_speech"] = Feature("text_to_speech", Disabled()),
            ["retriever_resource"] = Feature("retriever_resource", Disabled()),
            ["annotation_reply"] = Feature("annotation_reply", Disabled()),
            ["more_like_this"] = Feature("more_like_this", Disabled()),
            ["user_input_form"] = form,
            ["sensitive_word_avoidance"] = Feature("sensitive_word_avoidance", new JsonObject { ["enabled"] = false, ["type"] = "", ["configs"] = new JsonArray() }),
            ["file_upload"] = Feature("file_upload", new JsonObject
            {
                ["image"] = new JsonObject
                {
                    ["enabled"] = false,
                    ["number_limits"] = 3,
                    ["detail"] = "high",
                    ["transfer_methods"] = new JsonArray("remote_url", "local_file"),
                },
            }),
            ["system_parameters"] = new JsonObject
            {
                ["image_file_size_limit"] = 10,
                ["video_file_size_limit"] = 100,
                ["audio_file_size_limit"] = 50,
                ["file_size_limit"] = 15,
                ["workflow_file_upload_limit"] = 10,
            },
        };
    }
}
