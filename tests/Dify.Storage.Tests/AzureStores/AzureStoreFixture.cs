using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.AzureStores;

/// <summary>A fresh set of tables (unique prefix) and containers on the collection's Azurite, per test class instance.</summary>
internal static class AzureStoreFixture
{
    public static async Task<AzureStoreAccount> NewAccountAsync(AzuriteFixture azurite, TimeSpan? pollInterval = null)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var account = new AzureStoreAccount(azurite.ConnectionString, new AzureStoreOptions
        {
            Storage = AzuriteFixture.FastOptions(),
            TablePrefix = "t" + suffix,
            TemplatesContainer = "templates-" + suffix,
            RunEventsContainer = "run-events-" + suffix,
            EventPollInterval = pollInterval ?? TimeSpan.FromMilliseconds(250),
        });
        await account.EnsureCreatedAsync();
        return account;
    }
}
