using Dify.Storage.AzureStores;
using Dify.Storage.Edge;
using Dify.Storage.Tests.AzureStores;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.Edge;

/// <summary>The contract on Table storage (a real Azurite), plus the healing of listing rows a crash left unwritten.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableEdgeEventStoreTests(AzuriteFixture azurite) : EdgeEventStoreContract
{
    protected override async Task<IEdgeEventStore> NewStoreAsync()
    {
        var store = new TableEdgeEventStore(await AzureStoreFixture.NewAccountAsync(azurite));
        await store.EnsureCreatedAsync();
        return store;
    }

    [Fact]
    public async Task A_redelivery_writes_the_listing_rows_a_crash_left_out()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var store = new TableEdgeEventStore(account);
        await store.EnsureCreatedAsync();
        var record = Event("press-07", "dify", "half", 1);
        // As if the process died after the record row: only that row exists.
        await account.Tables.InsertAsync(store.TableName, new Azure.Tables.TableEntity("e|press-07|dify", "half")
        {
            { "DeviceId", "press-07" }, { "ModuleId", "dify" }, { "EventId", "half" }, { "Status", EdgeEventStatus.Accepted },
            { "EnqueuedAt", record.EnqueuedAt }, { "ReceivedAt", record.ReceivedAt }, { "Properties", "{}" },
        });
        Assert.Empty((await store.ListAsync(new EdgeEventQuery(), Ct)).Items);

        Assert.False(await store.TryInsertAsync(record, Ct));
        Assert.Equal("half", Assert.Single((await store.ListAsync(new EdgeEventQuery(), Ct)).Items).EventId);
        Assert.Single((await store.ListAsync(new EdgeEventQuery(DeviceId: "press-07"), Ct)).Items);
    }
}
