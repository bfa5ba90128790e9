using System.Text;
using Dify.Api.Apps;
using Dify.Cloud.Knowledge;
using Dify.Cloud.Templates;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Knowledge;

namespace Dify.Cloud.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TriggerHandlerTests(AzuriteFixture azurite)
{
    private const string Manual = """
        Torque settings for the assembly line.

        M8 bolts on the gearbox housing are tightened to 25 newton metres with the blue wrench.
        M10 bolts on the motor mount take 49 newton metres and must be checked after one hour.
        """;

    [Fact]
    public async Task A_document_blob_is_ingested_into_the_search_index_and_removed_when_the_blob_is_gone()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var account = cloud.Get<AzureStoreAccount>();
        await account.Blobs.CreateContainerIfNotExistsAsync("documents");
        var blobName = $"{Guid.NewGuid():N}/manuals/torque.txt";
        var dataset = blobName[..blobName.IndexOf('/', StringComparison.Ordinal)];
        await account.Blobs.PutAsync("documents", blobName, BinaryData.FromString(Manual));
        var handler = cloud.Get<DocumentBlobTriggerHandler>();

        var ingested = await handler.HandleAsync(dataset, "manuals/torque.txt", CancellationToken.None);

        Assert.Equal(DocumentBlobAction.Ingested, ingested.Action);
        Assert.True(ingested.Chunks > 0);
        Assert.Equal(ingested.Chunks, cloud.Search.Index("knowledge")!.Documents.Count);
        var hits = await cloud.Get<IKnowledgeRetriever>().RetrieveAsync(new KnowledgeQuery([dataset], "torque M8 gearbox", 3, SearchMethod.FullText), CancellationToken.None);
        Assert.Contains(hits, h => h.Content.Contains("25 newton metres", StringComparison.Ordinal));
        Assert.NotNull(await cloud.Get<TableKnowledgeCatalog>().GetAsync(dataset, CancellationToken.None));
        var record = await cloud.Get<TableKnowledgeCatalog>().GetDocumentAsync(dataset, "manuals/torque.txt", CancellationToken.None);
        Assert.Equal(DocumentStatus.Completed, record!.Status);
        Assert.Equal(ingested.Chunks, record.TotalSegments);
        Assert.True(record.WordCount > 0);

        // Ingesting the same blob again replaces its chunks rather than adding to them.
        var again = await handler.HandleAsync(dataset, "manuals/torque.txt", CancellationToken.None);
        Assert.Equal(ingested.Chunks, again.Chunks);
        Assert.Equal(ingested.Chunks, cloud.Search.Index("knowledge")!.Documents.Count);

        await account.Blobs.DeleteAsync("documents", blobName);
        var removed = await handler.HandleAsync(dataset, "manuals/torque.txt", CancellationToken.None);

        Assert.Equal(DocumentBlobAction.Removed, removed.Action);
        Assert.Equal(ingested.Chunks, removed.Chunks);
        Assert.Empty(cloud.Search.Index("knowledge")!.Documents);
        Assert.Null(await cloud.Get<TableKnowledgeCatalog>().GetDocumentAsync(dataset, "manuals/torque.txt", CancellationToken.None));
    }

    [Fact]
    public async Task A_template_blob_becomes_one_app_and_a_bad_one_is_rejected_naming_the_file()
    {
        await using var cloud = await CloudHarness.StartAsync(azurite);
        var handler = cloud.Get<TemplateBlobHandler>();

        var imported = await handler.ImportAsync("pipeline.yml", Stream(CloudApps.LlmCodeIfElse), CancellationToken.None);
        Assert.Equal(TemplateImportStatus.Imported, imported.Status);
        var app = await cloud.Get<AppRegistry>().GetAsync(imported.AppId!, CancellationToken.None);
        Assert.Equal("cloud-pipeline", app!.Record.Name);

        var twice = await handler.ImportAsync("copy-of-pipeline.yml", Stream(CloudApps.LlmCodeIfElse), CancellationToken.None);
        Assert.Equal(TemplateImportStatus.AlreadyImported, twice.Status);
        Assert.Equal(imported.AppId, twice.AppId);
        Assert.Single(await cloud.Get<AppRegistry>().ListAsync(CancellationToken.None));

        // The app store's own version copies live in the same container and must not import themselves.
        var own = await handler.ImportAsync(TableAppStore.TemplateBlobName(app.Definition.Key), Stream(CloudApps.LlmCodeIfElse), CancellationToken.None);
        Assert.Equal(TemplateImportStatus.Skipped, own.Status);

        var bad = await handler.ImportAsync("broken.yml", Stream("kind: app\napp: {mode: workflow}\nworkflow: {graph: {nodes: [{id: x, data: {type: nonsense}}]}}"), CancellationToken.None);
        Assert.Equal(TemplateImportStatus.Rejected, bad.Status);
        Assert.StartsWith("templates/broken.yml: ", bad.Error, StringComparison.Ordinal);

        var notYaml = await handler.ImportAsync("notes.txt", Stream("hello"), CancellationToken.None);
        Assert.Equal(TemplateImportStatus.Rejected, notYaml.Status);
        Assert.Contains("templates/notes.txt", notYaml.Error, StringComparison.Ordinal);
        Assert.Single(await cloud.Get<AppRegistry>().ListAsync(CancellationToken.None));
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
