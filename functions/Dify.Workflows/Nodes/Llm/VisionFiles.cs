using System.Text.Json.Nodes;
using Dify.Models.Chat;
using Dify.Workflows.Values;
using Dify.Workflows.Variables;

namespace Dify.Workflows.Nodes.Llm;

/// <summary>Image parts for the files a vision-enabled node reads (a file or an array of files).</summary>
public static class VisionFiles
{
    /// <summary>
    /// Images with a URL become image parts; other files are left out because the OpenAI-compatible wire has
    /// no portable document part. Dify's default detail is "high".
    /// </summary>
    public static List<ChatContentPart> ImageParts(VariablePool pool, Selector selector, string? detail)
    {
        var parts = new List<ChatContentPart>();
        var value = pool.Get(selector);
        IEnumerable<JsonNode?> files = value switch
        {
            JsonArray a => a,
            JsonObject o => [o],
            _ => [],
        };
        foreach (var f in files.OfType<JsonObject>().Where(FileValue.IsFile))
        {
            if (FileValue.GetString(f, "type") != "image") continue;
            var url = FileValue.GetString(f, "url");
            if (string.IsNullOrEmpty(url)) continue;
            parts.Add(new ChatContentPart(ImageUrl: url, ImageDetail: string.IsNullOrEmpty(detail) ? "high" : detail));
        }
        return parts;
    }

    /// <summary>Appends the images to the last user message, or adds a user message holding them (Dify's placement).</summary>
    public static void Attach(List<ChatMessage> messages, IReadOnlyList<ChatContentPart> images)
    {
        if (images.Count == 0) return;
        if (messages.Count > 0 && messages[^1].Role == ChatRole.User)
        {
            var last = messages[^1];
            messages[^1] = last with { Content = [.. last.Content, .. images] };
        }
        else
        {
            messages.Add(new ChatMessage(ChatRole.User, images.ToList()));
        }
    }
}
