namespace Dify.Workflows.Nodes.DocumentExtractor;

/// <summary>
/// A host's reader for file formats the document-extractor node does not read itself (PDF, read by the knowledge
/// library). The node consults it only after its own extractors, so a host without one keeps the node's
/// "unsupported" error for those formats.
/// </summary>
public interface IDocumentTextExtractor
{
    /// <summary>True when this reader takes files of <paramref name="extension"/> (".pdf"), or of <paramref name="mimeType"/> when the extension is empty.</summary>
    bool CanExtract(string extension, string? mimeType);

    /// <summary>The file's text as Dify's document extractor gives it; throws <see cref="DocumentTextException"/> when it cannot.</summary>
    Task<string> ExtractAsync(string filename, byte[] content, CancellationToken cancellationToken);
}

/// <summary>Why an <see cref="IDocumentTextExtractor"/> gave no text.</summary>
public enum DocumentTextFailure
{
    /// <summary>The format is not read in this deployment (a setting is missing, or the file needs what the engine lacks).</summary>
    Unsupported,

    /// <summary>The file could not be read (corrupt, encrypted, truncated).</summary>
    ExtractionFailed,
}

/// <summary>A failure of <see cref="IDocumentTextExtractor"/>: the message names the file and what to do.</summary>
public sealed class DocumentTextException(string message, DocumentTextFailure failure, Exception? inner = null) : Exception(message, inner)
{
    public DocumentTextFailure Failure { get; } = failure;
}
