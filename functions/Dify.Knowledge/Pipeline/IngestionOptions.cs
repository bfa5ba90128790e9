using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Pipeline;

/// <summary>Settings of <see cref="KnowledgeIngestor"/>.</summary>
public sealed class IngestionOptions
{
    /// <summary>Inputs per embeddings call. Default 64.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>Chunks embedded and committed per indexing transaction (progress is saved per batch). Default 1024.</summary>
    public int IndexBatchSize { get; set; } = 1024;

    /// <summary>
    /// Embed each batch of segments while splitting and store it already indexed (one pass over the chunk rows) instead
    /// of splitting the whole document first and then embedding the stored segments. Null (default): single pass for
    /// datasets embedded in process (<see cref="Embedding.HashingEmbeddingModel"/>) and economy datasets, where
    /// embedding costs nothing and ingestion speed is what counts; two passes for a model server, so the document shows
    /// Dify's indexing progress (completed_segments of total_segments) while a paid provider embeds it.
    /// </summary>
    public bool? EmbedWhileSplitting { get; set; }

    internal bool EmbedsWhileSplitting(Datasets.DatasetRecord dataset) =>
        EmbedWhileSplitting ?? (!dataset.HasVectors || dataset.EmbeddingProvider == Embedding.HashingEmbeddingModel.ProviderName);

    /// <summary>Segments written per splitting transaction. Default 2000.</summary>
    public int SplitBatchSize { get; set; } = 2000;

    /// <summary>Retries of an embeddings call answered 429, with exponential backoff. Default 6.</summary>
    public int MaxRateLimitRetries { get; set; } = 6;

    /// <summary>First backoff after a 429, doubled per retry. Default 1 s.</summary>
    public TimeSpan RateLimitBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>HTML and DOCX are converted in memory; larger files are refused. Default 50 MB.</summary>
    public long MaxConvertedBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// Read PDFs with PDFsharp 6.5 under its AGPL-3.0 license (the registry serves no permissively licensed PDF
    /// library). Off by default: whoever deploys decides; until then a PDF ends in error saying so. Default false.
    /// </summary>
    public bool AcceptPdfSharpAgplLicense { get; set; }

    /// <summary>A PDFsharp commercial license key (base64); when set, PDFs are read under it instead of the AGPL.</summary>
    public string? PdfSharpLicenseKey { get; set; }

    public ChunkerOptions Chunker { get; set; } = new();
}
