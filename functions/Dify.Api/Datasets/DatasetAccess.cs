using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Dify.Api.Datasets;

/// <summary>Looking up the route's dataset and document (404 with Dify's messages when missing).</summary>
internal static class DatasetAccess
{
    internal const string KeyItem = "dify.dataset_key";

    /// <summary>The id of the dataset key that authenticated the request (Dify's created_by is the key's account).</summary>
    public static string? KeyId(HttpContext http) => http.Items[KeyItem] as string;

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static async Task<(DatasetRecord Dataset, JsonObject Attributes)> DatasetAsync(DatasetApiBackend backend, string datasetId, CancellationToken ct)
    {
        var dataset = await backend.Ingestor.Datasets.GetAsync(datasetId, ct) ?? throw DatasetErrors.DatasetNotFound();
        return (dataset, await backend.Ingestor.Attributes.GetAsync(datasetId, null, ct) ?? []);
    }

    public static async Task<(DocumentRecord Document, JsonObject Attributes)> DocumentAsync(DatasetApiBackend backend, string datasetId, string documentId, CancellationToken ct)
    {
        var document = await backend.Ingestor.Documents.GetAsync(datasetId, documentId, ct) ?? throw DatasetErrors.DocumentNotFound();
        return (document, await backend.Ingestor.Attributes.GetAsync(datasetId, documentId, ct) ?? []);
    }

    public static async Task<(DatasetRecord Dataset, JsonObject Attributes)> DatasetAsync(IDatasetBackend backend, string datasetId, CancellationToken ct)
    {
        var dataset = await backend.GetDatasetAsync(datasetId, ct) ?? throw DatasetErrors.DatasetNotFound();
        var attributes = await backend.GetAttributesAsync(datasetId, null, ct) ?? [];
        // Datasets saved before the settings kept reranking have it only in the retrieval_model the client last sent;
        // for the others that model is already part of the settings, and applying it again changes nothing.
        if (dataset.Retrieval is { Reranking: null } && attributes["retrieval_model"] is JsonObject sent)
            dataset = dataset with { Retrieval = RetrievalModels.Settings(sent, dataset.RetrievalSettings) };
        return (dataset, attributes);
    }

    public static async Task<(DocumentRecord Document, JsonObject Attributes)> DocumentAsync(IDatasetBackend backend, string datasetId, string documentId, CancellationToken ct)
    {
        var document = await backend.GetDocumentAsync(datasetId, documentId, ct) ?? throw DatasetErrors.DocumentNotFound();
        return (document, await backend.GetAttributesAsync(datasetId, documentId, ct) ?? []);
    }

    /// <summary>indexing_technique as the API shows it: null until the dataset or its first document sets it.</summary>
    public static string? Technique(DatasetRecord dataset, JsonObject attributes) =>
        attributes.ContainsKey("indexing_technique") ? attributes["indexing_technique"]?.GetValue<string>() : DatasetRecord.ToDify(dataset.IndexingTechnique);
}
