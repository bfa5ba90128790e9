using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Knowledge.Pipeline;
using Dify.Storage.Azure.Tables;

namespace Dify.Knowledge.Datasets;

/// <summary>
/// The catalog on Azure Table storage, for the cloud where chunks live in Azure AI Search: table
/// <c>{prefix}kbdatasets</c> (partition <c>dataset</c>, one row per dataset) and <c>{prefix}kbdocuments</c> (partition
/// = dataset id, one row per document, so a dataset's documents are one partition query). JSON fields (retrieval model,
/// process rule, metadata) are stored as text and refused past <see cref="MaxJsonChars"/> (a table property holds 64 KiB).
/// </summary>
public sealed class TableKnowledgeCatalog : IKnowledgeCatalog
{
    /// <summary>Longest JSON text a row stores (UTF-16 characters; Table storage caps a string property at 64 KiB).</summary>
    public const int MaxJsonChars = 32_000;
    private const string DatasetPartition = "dataset";

    private readonly TableStoreClient _tables;
    private readonly string _datasets;
    private readonly string _documents;

    public TableKnowledgeCatalog(TableStoreClient tables, string tablePrefix = "")
    {
        _tables = tables ?? throw new ArgumentNullException(nameof(tables));
        _datasets = (tablePrefix ?? "") + "kbdatasets";
        _documents = (tablePrefix ?? "") + "kbdocuments";
    }

    /// <summary>Creates both tables (idempotent; run once at startup).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await _tables.CreateTableIfNotExistsAsync(_datasets, cancellationToken).ConfigureAwait(false);
        await _tables.CreateTableIfNotExistsAsync(_documents, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatasetRecord?> GetAsync(string datasetId, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_datasets, DatasetPartition, Key(datasetId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDataset(row);
    }

    public async Task SaveDatasetAsync(DatasetRecord dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var existing = await _tables.GetAsync(_datasets, DatasetPartition, Key(dataset.Id), ["CreatedAt"], cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(DatasetPartition, Key(dataset.Id))
        {
            { "Id", dataset.Id }, { "Name", dataset.Name }, { "Technique", DatasetRecord.ToDify(dataset.IndexingTechnique) },
            { "EmbeddingProvider", dataset.EmbeddingProvider }, { "EmbeddingModel", dataset.EmbeddingModel },
            { "Retrieval", Json(RetrievalJson.Write(dataset.RetrievalSettings), $"dataset {dataset.Id} retrieval model") },
            { "CreatedAt", existing?.GetInt64("CreatedAt") ?? DocumentStore.Now() },
        };
        if (dataset.Description is not null) row["Description"] = Json(dataset.Description, $"dataset {dataset.Id} description");
        await _tables.UpsertAsync(_datasets, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DatasetRecord>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        var rows = await AllAsync(_datasets, TableFilter.Equal("PartitionKey", DatasetPartition), cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.GetInt64("CreatedAt")).ThenBy(r => r.GetString("Id"), StringComparer.Ordinal).Select(ToDataset).ToList();
    }

    public async Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken)
    {
        if (await GetAsync(datasetId, cancellationToken).ConfigureAwait(false) is null) return false;
        // Documents first: a crash in between leaves a dataset without documents, never documents without a dataset.
        foreach (var row in await AllAsync(_documents, TableFilter.Equal("PartitionKey", Key(datasetId)), cancellationToken).ConfigureAwait(false))
            await _tables.DeleteIfExistsAsync(_documents, row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await _tables.DeleteIfExistsAsync(_datasets, DatasetPartition, Key(datasetId), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveDocumentAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var where = $"document {document.DatasetId}/{document.Id}";
        var row = new TableEntity(Key(document.DatasetId), Key(document.Id))
        {
            { "DatasetId", document.DatasetId }, { "Id", document.Id }, { "Name", document.Name }, { "Status", document.Status.ToDify() },
            { "Enabled", document.Enabled }, { "Archived", document.Archived }, { "TotalSegments", document.TotalSegments },
            { "CompletedSegments", document.CompletedSegments }, { "WordCount", document.WordCount }, { "CreatedAt", document.CreatedAt },
        };
        void Set(string name, object? value)
        {
            if (value is not null) row[name] = value;
        }
        Set("Error", document.Error is { } e ? Json(e, where + " error") : null);
        Set("SourceHash", document.SourceHash);
        Set("Rule", document.ProcessRule is { } r ? Json(r.ToJsonString(), where + " process rule") : null);
        Set("Metadata", document.Metadata is { } m ? Json(m.ToJsonString(), where + " metadata") : null);
        Set("ProcessingStartedAt", document.ProcessingStartedAt);
        Set("ParsingCompletedAt", document.ParsingCompletedAt);
        Set("CleaningCompletedAt", document.CleaningCompletedAt);
        Set("SplittingCompletedAt", document.SplittingCompletedAt);
        Set("CompletedAt", document.CompletedAt);
        await _tables.UpsertAsync(_documents, row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<DocumentRecord?> GetDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken)
    {
        var row = await _tables.GetAsync(_documents, Key(datasetId), Key(documentId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToDocument(row);
    }

    public async Task<IReadOnlyList<DocumentRecord>> ListDocumentsAsync(string datasetId, CancellationToken cancellationToken)
    {
        var rows = await AllAsync(_documents, TableFilter.Equal("PartitionKey", Key(datasetId)), cancellationToken).ConfigureAwait(false);
        return rows.Select(ToDocument).OrderBy(d => d.CreatedAt).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    public Task<bool> DeleteDocumentAsync(string datasetId, string documentId, CancellationToken cancellationToken) =>
        _tables.DeleteIfExistsAsync(_documents, Key(datasetId), Key(documentId), cancellationToken: cancellationToken);

    private async Task<List<TableEntity>> AllAsync(string table, string filter, CancellationToken ct)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _tables.QueryAllAsync(table, filter, cancellationToken: ct).ConfigureAwait(false)) rows.Add(row);
        return rows;
    }

    private static DatasetRecord ToDataset(TableEntity row) => new(
        row.GetString("Id")!, row.GetString("Name")!, row.GetString("Description"), DatasetRecord.ParseTechnique(row.GetString("Technique")),
        row.GetString("EmbeddingProvider")!, row.GetString("EmbeddingModel")!, RetrievalJson.Read(row.GetString("Retrieval") ?? "{}"));

    private static DocumentRecord ToDocument(TableEntity row)
    {
        JsonObject? Object(string name) => row.GetString(name) is { } text ? JsonNode.Parse(text) as JsonObject : null;
        return new DocumentRecord(
            row.GetString("DatasetId")!, row.GetString("Id")!, row.GetString("Name")!, DocumentStatuses.Parse(row.GetString("Status")!), row.GetString("Error"),
            row.GetString("SourceHash"), Object("Rule"), Object("Metadata"), row.GetBoolean("Enabled") ?? true, row.GetInt32("TotalSegments") ?? 0,
            row.GetInt32("CompletedSegments") ?? 0, row.GetInt64("WordCount") ?? 0, row.GetInt64("CreatedAt") ?? 0, row.GetInt64("ProcessingStartedAt"),
            row.GetInt64("ParsingCompletedAt"), row.GetInt64("CleaningCompletedAt"), row.GetInt64("SplittingCompletedAt"), row.GetInt64("CompletedAt"),
            row.GetBoolean("Archived") ?? false);
    }

    private static string Json(string text, string what) => text.Length <= MaxJsonChars
        ? text
        : throw new ArgumentException($"The {what} is {text.Length} characters; the Table catalog stores at most {MaxJsonChars}.");

    /// <summary>Row and partition keys may not hold '/', '\\', '#', '?', '%' or control characters: those become %XX.</summary>
    private static string Key(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var key = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) key.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            else key.Append(c);
        }
        return key.ToString();
    }
}
