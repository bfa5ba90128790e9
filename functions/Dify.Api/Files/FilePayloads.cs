using System.Text.Json.Nodes;
using Dify.Storage.Files;

namespace Dify.Api.Files;

/// <summary>Dify's upload answer: <c>{id, name, size, extension, mime_type, created_by, created_at, preview_url, source_url}</c>.</summary>
public static class FilePayloads
{
    /// <param name="sourceUrl">The signed preview URL (Dify signs it; it expires).</param>
    public static JsonObject Upload(UploadFileRecord file, string sourceUrl) => new()
    {
        ["id"] = file.Id,
        ["name"] = file.Name,
        ["size"] = file.Size,
        ["extension"] = file.Extension,
        ["mime_type"] = file.MimeType,
        ["created_by"] = file.EndUserId,
        ["created_at"] = file.CreatedAt.ToUnixTimeSeconds(),
        ["preview_url"] = null,
        ["source_url"] = sourceUrl,
        ["original_url"] = null,
        ["user_id"] = file.EndUserId,
        ["tenant_id"] = file.AppId,
        ["conversation_id"] = null,
        ["file_key"] = null,
    };
}
