using Dify.Knowledge.Datasets;
using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Storage;
using Dify.Storage.Tests.Azurite;
using Dify.Testing;

namespace Dify.Knowledge.AzureSearch.Tests.Catalog;

/// <summary>The catalog contract on the SQLite knowledge file.</summary>
public sealed class SqliteKnowledgeCatalogTests : KnowledgeCatalogContract, IAsyncLifetime
{
    private readonly TempDirectory _folder = new("dify-catalog");
    private KnowledgeDatabase? _database;

    protected override Task<IKnowledgeCatalog> CatalogAsync()
    {
        var index = new SqliteKnowledgeIndex(_database!, null);
        return Task.FromResult<IKnowledgeCatalog>(new SqliteKnowledgeCatalog(_database!, new KnowledgeIngestor(_database!, index, new Embedding.HashingEmbeddingModel())));
    }

    public async Task InitializeAsync() => _database = await KnowledgeDatabase.OpenAsync(_folder.Combine("knowledge.db"), CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary>The catalog contract on Table storage (a real Azurite, fresh tables per test).</summary>
public sealed class TableKnowledgeCatalogTests(AzuriteFixture azurite) : KnowledgeCatalogContract, IClassFixture<AzuriteFixture>
{
    protected override async Task<IKnowledgeCatalog> CatalogAsync()
    {
        var catalog = new TableKnowledgeCatalog(azurite.CreateTableClient(), "t" + Guid.NewGuid().ToString("N")[..10]);
        await catalog.EnsureCreatedAsync(CancellationToken.None);
        return catalog;
    }

    [Fact]
    public async Task Oversized_metadata_is_refused_naming_the_document()
    {
        var catalog = await CatalogAsync();
        var metadata = new System.Text.Json.Nodes.JsonObject { ["notes"] = new string('x', TableKnowledgeCatalog.MaxJsonChars) };
        var document = new DocumentRecord("kb", "big", "big.md", DocumentStatus.Completed, null, null, null, metadata, true, 0, 0, 0, 1, null, null, null, null, null);

        var e = await Assert.ThrowsAsync<ArgumentException>(() => catalog.SaveDocumentAsync(document, CancellationToken.None));

        Assert.Contains("document kb/big metadata", e.Message, StringComparison.Ordinal);
        Assert.Null(await catalog.GetDocumentAsync("kb", "big", CancellationToken.None));
    }
}
