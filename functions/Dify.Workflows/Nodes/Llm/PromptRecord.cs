using System.Text.Json.Nodes;
using Dify.Models.Chat;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>process_data.prompts as Dify shows them in the run log: [{role, text, files}].</summary>
public static class PromptRecord
{
    public static JsonArray ToJson(IEnumerable<ChatMessage> messages)
    {
        var result = new JsonArray();
        foreach (var m in messages)
        {
            var files = new JsonArray();
            foreach (var part in m.Content.Where(p => p.ImageUrl is not null))
                files.Add(new JsonObject { ["type"] = "image", ["url"] = part.ImageUrl, ["detail"] = part.ImageDetail });
            result.Add(new JsonObject { ["role"] = RoleName(m.Role), ["text"] = m.Text, ["files"] = files });
        }
        return result;
    }

    public static string RoleName(ChatRole role) => role switch
    {
        ChatRole.System => "system",
        ChatRole.Assistant => "assistant",
        ChatRole.Tool => "tool",
        _ => "user",
    };
}
