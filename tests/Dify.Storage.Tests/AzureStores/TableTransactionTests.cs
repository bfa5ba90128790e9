using Azure;
using Dify.Storage.Azure;
using Dify.Storage.Azure.Tables;
using Dify.Storage.AzureStores.Tables;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.AzureStores;

[Collection(AzuriteCollection.Name)]
public sealed class TableTransactionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_transaction_applies_every_operation_and_returns_etags()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var table = account.Options.TablePrefix + "apps";
        await account.Tables.InsertAsync(table, new TableEntity("p", "old") { { "V", 1 } });
        var existing = (await account.Tables.GetAsync(table, "p", "old"))!;

        var tx = new TableTransaction(table, "p")
            .Insert(new TableEntity("p", "a") { { "Text", "it's a 'quote'" }, { "N", 5L } })
            .Upsert(new TableEntity("p", "b") { { "V", 2 } })
            .Update(new TableEntity("p", "old") { { "V", 3 } }, existing.ETag);
        var etags = await account.Transactions.SubmitAsync(tx, CancellationToken.None);

        Assert.Equal(3, etags.Count);
        Assert.Equal("it's a 'quote'", (await account.Tables.GetAsync(table, "p", "a"))!.GetString("Text"));
        Assert.Equal(2, (await account.Tables.GetAsync(table, "p", "b"))!.GetInt32("V"));
        var updated = (await account.Tables.GetAsync(table, "p", "old"))!;
        Assert.Equal(3, updated.GetInt32("V"));
        Assert.Equal(updated.ETag, etags[2]);
    }

    [Fact]
    public async Task A_failing_operation_rolls_back_the_whole_transaction_and_reports_its_status()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var table = account.Options.TablePrefix + "apps";
        await account.Tables.InsertAsync(table, new TableEntity("p", "taken"));

        var stale = new TableTransaction(table, "p").Insert(new TableEntity("p", "new1")).Insert(new TableEntity("p", "taken"));
        var conflict = await Assert.ThrowsAsync<StorageRequestException>(() => account.Transactions.SubmitAsync(stale, CancellationToken.None));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("EntityAlreadyExists", conflict.ErrorCode);
        Assert.Null(await account.Tables.GetAsync(table, "p", "new1"));

        var wrongEtag = new TableTransaction(table, "p").Insert(new TableEntity("p", "new2"))
            .Update(new TableEntity("p", "taken") { { "X", 1 } }, new ETag("W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\""));
        var precondition = await Assert.ThrowsAsync<StorageRequestException>(() => account.Transactions.SubmitAsync(wrongEtag, CancellationToken.None));
        Assert.Equal(412, precondition.Status);
        Assert.Null(await account.Tables.GetAsync(table, "p", "new2"));

        var delete = new TableTransaction(table, "p").Delete("taken").Delete("never-was");
        var missing = await Assert.ThrowsAsync<StorageRequestException>(() => account.Transactions.SubmitAsync(delete, CancellationToken.None));
        Assert.Equal(404, missing.Status);
        Assert.NotNull(await account.Tables.GetAsync(table, "p", "taken"));
    }

    [Fact]
    public void Entities_of_another_partition_are_refused()
    {
        var tx = new TableTransaction("tbl", "p");
        Assert.Throws<ArgumentException>(() => tx.Insert(new TableEntity("q", "r")));
    }
}
