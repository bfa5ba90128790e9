using Dify.Knowledge.Datasets;
using Dify.Knowledge.Extraction;
using Dify.Knowledge.Splitting;

namespace Dify.Knowledge.Pipeline;

/// <summary>What the steps of one ingestion hand to each other. The text flows lazily: parse opens a reader, clean
/// wraps it, split pulls it through and stores segments, index embeds and indexes the stored segments.</summary>
internal sealed class IngestionContext(DatasetRecord dataset, string documentId, string name, ProcessRule rule, DocumentChunker chunker, Stream? source)
{
    public DatasetRecord Dataset { get; } = dataset;
    public string DocumentId { get; } = documentId;
    public string Name { get; } = name;
    public ProcessRule Rule { get; } = rule;
    public DocumentChunker Chunker { get; } = chunker;
    public Stream? Source { get; } = source;

    /// <summary>The file name whose extension says how to read <see cref="Source"/> (default: <see cref="Name"/>).</summary>
    public string? SourceName { get; init; }

    /// <summary>Known up front for seekable sources; otherwise computed while the text is read.</summary>
    public string? SourceHash { get; set; }
    public HashingStream? Hasher { get; set; }
    public TextReader? Text { get; set; }
    public IAsyncEnumerable<string>? CleanedBlocks { get; set; }
}

/// <summary>One step of the ingestion pipeline: the document's status while it runs is <see cref="Status"/>.</summary>
internal interface IIngestionStep
{
    DocumentStatus Status { get; }

    /// <summary>The documents column stamped when the step completes (null: the step records its own completion).</summary>
    string? CompletedColumn { get; }

    Task RunAsync(IngestionContext context, CancellationToken cancellationToken);
}
