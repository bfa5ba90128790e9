using System.Text.Json.Nodes;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.AzureSearch.Tests.Catalog;

/// <summary>What every <see cref="IKnowledgeCatalog"/> must do; each adapter runs these against its real backend.</summary>
public abstract class KnowledgeCatalogContract
{
    protected abstract Task<IKnowledgeCatalog> CatalogAsync();

    private static DocumentRecord Document(string datasetId, string id, long createdAt, JsonObject? metadata = null) => new(
        datasetId, id, id + ".md", DocumentStatus.Completed, null, "abc123", new JsonObject { ["mode"] = "automatic" }, metadata, true,
        3, 3, 120, createdAt, createdAt + 1, createdAt + 2, createdAt + 3, createdAt + 4, createdAt + 5);

    [Fact]
    public async Task Datasets_round_trip_every_field_and_are_listed()
    {
        var catalog = await CatalogAsync();
        var retrieval = new DatasetRetrievalSettings(SearchMethod.Hybrid, 7, 0.25, new RetrievalWeights(0.6, 0.4));
        var first = new DatasetRecord("ds/1#a", "Manuals", "Press manuals", IndexingTechnique.HighQuality, "openai", "text-embedding-3-small", retrieval);
        var second = new DatasetRecord("ds-2", "Cheap", null, IndexingTechnique.Economy);
        await catalog.SaveDatasetAsync(first, CancellationToken.None);
        await catalog.SaveDatasetAsync(second, CancellationToken.None);

        Assert.Equal(first, await catalog.GetAsync("ds/1#a", CancellationToken.None));
        Assert.Equal(second with { Retrieval = DatasetRetrievalSettings.Default }, (await catalog.GetAsync("ds-2", CancellationToken.None))! with { Retrieval = DatasetRetrievalSettings.Default });
        Assert.Null(await catalog.GetAsync("missing", CancellationToken.None));
        Assert.Equal(["ds-2", "ds/1#a"], (await catalog.ListDatasetsAsync(CancellationToken.None)).Select(d => d.Id).Order(StringComparer.Ordinal));

        var renamed = first with { Name = "Press manuals", Retrieval = retrieval with { TopK = 3 } };
        await catalog.SaveDatasetAsync(renamed, CancellationToken.None);
        Assert.Equal(renamed, await catalog.GetAsync("ds/1#a", CancellationToken.None));
        Assert.Equal(2, (await catalog.ListDatasetsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Retrieval_settings_keep_reranking_weight_labels_and_a_disabled_threshold()
    {
        var catalog = await CatalogAsync();
        var reranked = new DatasetRecord("ds-rerank", "Reranked", Retrieval: new DatasetRetrievalSettings(SearchMethod.Hybrid, 5, null, new RetrievalWeights(0.6, 0.4),
            new DatasetReranking(true, DatasetReranking.RerankingModelMode, "jina", "jina-reranker-v2-base-multilingual"), 0.35,
            new WeightLabels("keyword_first", "openai", "text-embedding-3-small")));
        await catalog.SaveDatasetAsync(reranked, CancellationToken.None);
        Assert.Equal(reranked, await catalog.GetAsync("ds-rerank", CancellationToken.None));

        var off = reranked with { Retrieval = reranked.RetrievalSettings with { Reranking = new DatasetReranking(false, DatasetReranking.WeightedScoreMode) } };
        await catalog.SaveDatasetAsync(off, CancellationToken.None);
        Assert.Equal(off, await catalog.GetAsync("ds-rerank", CancellationToken.None));
    }

    [Fact]
    public async Task Documents_round_trip_replace_list_and_delete_and_go_with_their_dataset()
    {
        var catalog = await CatalogAsync();
        await catalog.SaveDatasetAsync(new DatasetRecord("kb", "KB"), CancellationToken.None);
        await catalog.SaveDatasetAsync(new DatasetRecord("other", "Other"), CancellationToken.None);
        var a = Document("kb", "a?1", 1_700_000_000, new JsonObject { ["line"] = "A", ["year"] = 2021 });
        var b = Document("kb", "b", 1_700_000_100) with { Status = DocumentStatus.Error, Error = "unreadable pdf", Enabled = false, Archived = true, CompletedAt = null };
        await catalog.SaveDocumentAsync(b, CancellationToken.None);
        await catalog.SaveDocumentAsync(a, CancellationToken.None);
        await catalog.SaveDocumentAsync(Document("other", "c", 1_700_000_050), CancellationToken.None);

        AssertSame(a, await catalog.GetDocumentAsync("kb", "a?1", CancellationToken.None));
        AssertSame(b, await catalog.GetDocumentAsync("kb", "b", CancellationToken.None));
        Assert.Null(await catalog.GetDocumentAsync("kb", "c", CancellationToken.None));
        Assert.Equal(["a?1", "b"], (await catalog.ListDocumentsAsync("kb", CancellationToken.None)).Select(d => d.Id));

        var indexing = a with { Status = DocumentStatus.Indexing, CompletedSegments = 1, Metadata = null, CompletedAt = null };
        await catalog.SaveDocumentAsync(indexing, CancellationToken.None);
        AssertSame(indexing, await catalog.GetDocumentAsync("kb", "a?1", CancellationToken.None));

        Assert.True(await catalog.DeleteDocumentAsync("kb", "b", CancellationToken.None));
        Assert.False(await catalog.DeleteDocumentAsync("kb", "b", CancellationToken.None));
        Assert.Equal(["a?1"], (await catalog.ListDocumentsAsync("kb", CancellationToken.None)).Select(d => d.Id));

        Assert.True(await catalog.DeleteDatasetAsync("kb", CancellationToken.None));
        Assert.False(await catalog.DeleteDatasetAsync("kb", CancellationToken.None));
        Assert.Null(await catalog.GetAsync("kb", CancellationToken.None));
        Assert.Empty(await catalog.ListDocumentsAsync("kb", CancellationToken.None));
        Assert.Single(await catalog.ListDocumentsAsync("other", CancellationToken.None));
    }

    private static void AssertSame(DocumentRecord expected, DocumentRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { ProcessRule = null, Metadata = null }, actual with { ProcessRule = null, Metadata = null });
        Assert.Equal(expected.ProcessRule?.ToJsonString(), actual.ProcessRule?.ToJsonString());
        Assert.Equal(expected.Metadata?.ToJsonString(), actual.Metadata?.ToJsonString());
    }
}
