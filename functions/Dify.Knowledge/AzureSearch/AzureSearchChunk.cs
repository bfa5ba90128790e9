using System.Text.Json.Serialization;
using Dify.Workflows.Values;

namespace Dify.Knowledge.AzureSearch;

/// <summary>One search document (see <see cref="AzureSearchSchema"/>) as sent and read with the SDK.</summary>
internal sealed class AzureSearchChunk
{
    [JsonPropertyName(AzureSearchSchema.Id)] public string Id { get; set; } = "";
    [JsonPropertyName(AzureSearchSchema.Content)] public string? Content { get; set; }
    [JsonPropertyName(AzureSearchSchema.Title)] public string? Title { get; set; }

    [JsonPropertyName(AzureSearchSchema.ContentVector)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public float[]? ContentVector { get; set; }

    [JsonPropertyName(AzureSearchSchema.DatasetId)] public string? DatasetId { get; set; }
    [JsonPropertyName(AzureSearchSchema.DocumentId)] public string? DocumentId { get; set; }
    [JsonPropertyName(AzureSearchSchema.DocumentName)] public string? DocumentName { get; set; }
    [JsonPropertyName(AzureSearchSchema.SegmentId)] public string? SegmentId { get; set; }
    [JsonPropertyName(AzureSearchSchema.ParentId)] public string? ParentId { get; set; }
    [JsonPropertyName(AzureSearchSchema.Kind)] public string? Kind { get; set; }
    [JsonPropertyName(AzureSearchSchema.Position)] public int Position { get; set; }
    [JsonPropertyName(AzureSearchSchema.ChildPosition)] public int ChildPosition { get; set; }
    [JsonPropertyName(AzureSearchSchema.DocMetadata)] public string? DocMetadata { get; set; }

    [JsonPropertyName(AzureSearchSchema.MetadataPairs)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? MetadataPairs { get; set; }

    [JsonPropertyName(AzureSearchSchema.Answer)] public string? Answer { get; set; }
    [JsonPropertyName(AzureSearchSchema.Keywords)] public List<string>? Keywords { get; set; }
    [JsonPropertyName(AzureSearchSchema.Enabled)] public bool? Enabled { get; set; }
    [JsonPropertyName(AzureSearchSchema.DocumentEnabled)] public bool? DocumentEnabled { get; set; }

    public static AzureSearchChunk From(IndexedChunk chunk) => new()
    {
        Id = AzureSearchSchema.Key(chunk.DatasetId, chunk.SegmentId),
        Content = chunk.Content,
        Title = chunk.DocumentName,
        ContentVector = chunk.Kind == IndexedChunkKind.Parent ? null : chunk.Vector,
        DatasetId = chunk.DatasetId,
        DocumentId = chunk.DocumentId,
        DocumentName = chunk.DocumentName,
        SegmentId = chunk.SegmentId,
        ParentId = chunk.Kind == IndexedChunkKind.Child ? chunk.ParentSegmentId : null,
        Kind = AzureSearchSchema.KindName(chunk.Kind),
        Position = chunk.Position,
        ChildPosition = chunk.ChildPosition,
        DocMetadata = chunk.DocMetadata?.ToJsonString(),
        MetadataPairs = chunk.DocMetadata is null ? [] : [.. chunk.DocMetadata.Where(p => p.Value is not null).Select(p => Pair(p.Key, ValueText.ToText(p.Value!)))],
        Answer = chunk.Answer,
        Keywords = chunk.Keywords is null ? [] : [.. chunk.Keywords],
        Enabled = chunk.Enabled,
        DocumentEnabled = chunk.DocumentEnabled,
    };

    public static string Pair(string key, string value) => key + "=" + value;
}
