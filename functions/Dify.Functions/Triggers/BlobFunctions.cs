using Dify.Cloud.Knowledge;
using Dify.Cloud.Templates;
using Microsoft.Azure.Functions.Worker;

namespace Dify.Functions.Triggers;

/// <summary>
/// Blobs landing in <c>documents</c> are ingested into the knowledge index; DSL files landing in <c>templates</c> become
/// apps. Both through Event Grid (the only blob trigger source on Flex Consumption), on the host storage account.
/// </summary>
public sealed class BlobFunctions(DocumentBlobTriggerHandler documents, TemplateBlobHandler templates)
{
    // The handler reads the blob itself, so that a blob deleted before the event is handled gets removed from the index.
    [Function("IngestDocument")]
    public Task IngestDocument(
        [BlobTrigger("documents/{dataset}/{name}", Source = BlobTriggerSource.EventGrid)] Stream blob, string dataset, string name, FunctionContext context) =>
        documents.HandleAsync(dataset, name, context.CancellationToken);

    [Function("ImportTemplate")]
    public Task ImportTemplate(
        [BlobTrigger("templates/{name}", Source = BlobTriggerSource.EventGrid)] Stream blob, string name, FunctionContext context) =>
        templates.ImportAsync(name, blob, context.CancellationToken);
}
