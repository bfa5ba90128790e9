namespace Dify.Cloud.Configuration;

/// <summary>
/// Section <c>Models:Embeddings</c> (app setting <c>Models__Embeddings__Model</c>): the model that embeds documents
/// dropped into the <c>documents</c> container, called through the default model endpoint. Empty: the embedded
/// hashing embedder (384 dimensions, no model server).
/// </summary>
public sealed class CloudKnowledgeOptions
{
    public const string SectionName = "Models:Embeddings";

    public string? Model { get; set; }

    /// <summary>Provider name the dataset records (resolved through <c>Models:Providers</c>, else <c>Models:Default</c>).</summary>
    public string Provider { get; set; } = "azure_openai";

    /// <summary>Where the ingestion pipeline keeps its working state (a SQLite knowledge file); default: the temp folder.</summary>
    public string? WorkDirectory { get; set; }
}
