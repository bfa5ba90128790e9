using Dify.Cloud.Knowledge;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Knowledge;

namespace Dify.Cloud.Tests;

/// <summary>The timer pass over the documents container (Azurite) and the search index (AI Search REST server).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DocumentReconcilerTests(AzuriteFixture azurite)
{
    private const string Torque = "M8 bolts on the gearbox housing are tightened to 25 newton metres with the blue wrench.";
    private const string Belts = "The conveyor belt of line 3 is replaced every 2000 hours of running.";
    private const string NewBelts = "The conveyor belt of line 3 is now replaced every 1500 hours of running.";

    [Fact]
    public async Task Deleted_blobs_leave_the_index_missed_and_changed_ones_are_ingested_and_a_second_pass_does_nothing()
    {
        var container = "docs-" + Guid.NewGuid().ToString("N")[..12];
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:DocumentsContainer"] = container });
        var blobs = cloud.Get<AzureStoreAccount>().Blobs;
        var handler = cloud.Get<DocumentBlobTriggerHandler>();
        var reconciler = cloud.Get<DocumentReconciler>();
        await blobs.PutAsync(container, "line3/torque.txt", BinaryData.FromString(Torque));
        await blobs.PutAsync(container, "line3/belts.txt", BinaryData.FromString(Belts));
        await blobs.PutAsync(container, "stray.txt", BinaryData.FromString("no dataset")); // top level: not a document
        var torque = await handler.HandleAsync("line3", "torque.txt", CancellationToken.None); // the trigger saw this one; belts was missed
        Assert.Equal(DocumentBlobAction.Ingested, torque.Action);

        await blobs.DeleteAsync(container, "line3/torque.txt"); // no event for a deletion
        var first = await reconciler.ReconcileAsync(CancellationToken.None);

        Assert.Equal(new ReconcileReport(Blobs: 1, Unchanged: 0, Ingested: 1, Removed: 1, Failed: 0), first);
        Assert.Empty(await SearchAsync(cloud, "gearbox torque newton"));
        Assert.Contains(await SearchAsync(cloud, "conveyor belt hours"), h => h.Content.Contains("2000 hours", StringComparison.Ordinal));
        var chunks = cloud.Search.Index("knowledge")!.Documents.Count;

        var second = await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(new ReconcileReport(Blobs: 1, Unchanged: 1, Ingested: 0, Removed: 0, Failed: 0), second);
        Assert.Equal(chunks, cloud.Search.Index("knowledge")!.Documents.Count);

        await blobs.PutAsync(container, "line3/belts.txt", BinaryData.FromString(NewBelts)); // replaced, event missed
        var third = await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, third.Ingested);
        var hits = await SearchAsync(cloud, "conveyor belt hours");
        Assert.Contains(hits, h => h.Content.Contains("1500 hours", StringComparison.Ordinal));
        Assert.DoesNotContain(hits, h => h.Content.Contains("2000 hours", StringComparison.Ordinal));
        Assert.Equal(["belts.txt"], await LedgerAsync(cloud));
    }

    [Fact]
    public async Task A_document_that_fails_is_retried_only_when_its_blob_changes()
    {
        var container = "docs-" + Guid.NewGuid().ToString("N")[..12];
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:DocumentsContainer"] = container });
        var blobs = cloud.Get<AzureStoreAccount>().Blobs;
        var reconciler = cloud.Get<DocumentReconciler>();
        await blobs.PutAsync(container, "line3/manual.docx", BinaryData.FromString("not a zip archive")); // extraction fails

        var first = await reconciler.ReconcileAsync(CancellationToken.None);
        Assert.Equal(1, first.Failed);
        Assert.Equal(new ReconcileReport(Blobs: 1, Unchanged: 1, Ingested: 0, Removed: 0, Failed: 0), await reconciler.ReconcileAsync(CancellationToken.None));

        // A new version is tried again (it fails again: still not a document), and a readable sibling is ingested.
        await blobs.PutAsync(container, "line3/manual.docx", BinaryData.FromString("still not a zip archive"));
        await blobs.PutAsync(container, "line3/belts.txt", BinaryData.FromString(Belts));
        Assert.Equal(new ReconcileReport(Blobs: 2, Unchanged: 0, Ingested: 1, Removed: 0, Failed: 1), await reconciler.ReconcileAsync(CancellationToken.None));
        Assert.Equal(new ReconcileReport(Blobs: 2, Unchanged: 2, Ingested: 0, Removed: 0, Failed: 0), await reconciler.ReconcileAsync(CancellationToken.None));
    }

    private static Task<IReadOnlyList<RetrievedChunk>> SearchAsync(CloudHarness cloud, string query) =>
        cloud.Get<IKnowledgeRetriever>().RetrieveAsync(new KnowledgeQuery(["line3"], query, 5, SearchMethod.FullText), CancellationToken.None);

    private static async Task<List<string>> LedgerAsync(CloudHarness cloud)
    {
        var names = new List<string>();
        await foreach (var document in cloud.Get<IndexedDocumentLedger>().ListAsync(CancellationToken.None)) names.Add(document.DocumentId);
        return names;
    }
}
