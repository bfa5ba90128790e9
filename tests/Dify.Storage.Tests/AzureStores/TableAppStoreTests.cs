using Dify.Storage.Apps;
using Dify.Storage.AzureStores;
using Dify.Storage.Tests.Azurite;

namespace Dify.Storage.Tests.AzureStores;

/// <summary>The cases of Dify.Api.Tests' SqliteAppStoreTests (copied: same contract), plus what is particular to tables and blobs.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TableAppStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static AppRecord App(string id, int minute) =>
        new(id, "name " + id, "workflow", "d", "dsl " + id, "wf-" + id, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + minute * 60), DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public async Task Apps_round_trip_list_newest_first_and_delete_keeps_versions_but_drops_keys()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var apps = new TableAppStore(account);
        var keys = new TableApiKeyStore(account);
        await apps.CreateAsync(App("a", 1), Ct);
        await apps.CreateAsync(App("b", 2), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k1", "a", "app", "hash-1", DateTimeOffset.UnixEpoch), Ct);

        Assert.Equal(App("a", 1), await apps.GetAsync("a", Ct));
        Assert.Equal(["b", "a"], (await apps.ListAsync(Ct)).Select(a => a.Id));
        Assert.Equal("a", (await keys.FindByHashAsync("hash-1", Ct))?.AppId);

        Assert.True(await apps.DeleteAsync("a", Ct));
        Assert.False(await apps.DeleteAsync("a", Ct));
        Assert.Null(await apps.GetAsync("a", Ct));
        Assert.Null(await keys.FindByHashAsync("hash-1", Ct));
        Assert.Equal(["wf-a", "wf-b"], (await apps.ListVersionsAsync(Ct)).Select(v => v.Key));
    }

    [Fact]
    public async Task Keys_are_listed_per_app_and_deleted_only_by_their_app()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var apps = new TableAppStore(account);
        var keys = new TableApiKeyStore(account);
        await apps.CreateAsync(App("a", 1), Ct);
        await apps.CreateAsync(App("b", 1), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k1", "a", "app", "h1", DateTimeOffset.FromUnixTimeSeconds(1)), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k2", "a", "app", "h2", DateTimeOffset.FromUnixTimeSeconds(2)), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k3", "b", "app", "h3", DateTimeOffset.FromUnixTimeSeconds(3)), Ct);

        Assert.Equal(["k1", "k2"], (await keys.ListAsync("a", Ct)).Select(k => k.Id));
        Assert.False(await keys.DeleteAsync("b", "k1", Ct));
        Assert.True(await keys.DeleteAsync("a", "k1", Ct));
        Assert.Equal(["k2"], (await keys.ListAsync("a", Ct)).Select(k => k.Id));
        Assert.Null(await keys.FindByHashAsync("h1", Ct));
        Assert.Equal(new ApiKeyRecord("k2", "a", "app", "h2", DateTimeOffset.FromUnixTimeSeconds(2)), await keys.FindByHashAsync("h2", Ct));
    }

    [Fact]
    public async Task A_large_dsl_lives_only_in_its_blob_and_round_trips()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var apps = new TableAppStore(account);
        var dsl = "app:\n  name: big\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"# line {i} ünïcode\n"));
        var app = App("big", 1) with { Dsl = dsl, Description = new string('d', 70_000) };
        await apps.CreateAsync(app, Ct);

        Assert.Equal(app, await apps.GetAsync("big", Ct));
        Assert.Equal(dsl, Assert.Single(await apps.ListVersionsAsync(Ct)).Dsl);
        var blob = await account.Blobs.GetContentAsync(account.Options.TemplatesContainer, TableAppStore.TemplateBlobName("wf-big"));
        Assert.Equal(dsl, blob.ToString());
        var row = await account.Tables.GetAsync(account.Options.TablePrefix + "apps", "app", "big");
        Assert.Null(row!.GetString("Dsl"));
    }

    [Fact]
    public async Task Ids_and_hashes_with_characters_forbidden_in_keys_work()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var apps = new TableAppStore(account);
        var keys = new TableApiKeyStore(account);
        await apps.CreateAsync(App("a/b#c?d%e|f'g", 1), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k/1", "a/b#c?d%e|f'g", "app", "h/+=", DateTimeOffset.UnixEpoch), Ct);

        Assert.Equal("a/b#c?d%e|f'g", (await apps.GetAsync("a/b#c?d%e|f'g", Ct))!.Id);
        Assert.Equal("k/1", (await keys.FindByHashAsync("h/+=", Ct))!.Id);
        Assert.True(await apps.DeleteAsync("a/b#c?d%e|f'g", Ct));
        Assert.Null(await keys.FindByHashAsync("h/+=", Ct));
    }

    [Fact]
    public async Task Creating_an_existing_app_fails_and_a_reused_version_key_keeps_its_first_row()
    {
        var account = await AzureStoreFixture.NewAccountAsync(azurite);
        var apps = new TableAppStore(account);
        await apps.CreateAsync(App("a", 1), Ct);
        var duplicate = await Assert.ThrowsAsync<Dify.Storage.Azure.StorageRequestException>(() => apps.CreateAsync(App("a", 2), Ct));
        Assert.Equal(409, duplicate.Status);
        Assert.Equal(App("a", 1), await apps.GetAsync("a", Ct));
        Assert.Equal(App("a", 1).CreatedAt, Assert.Single(await apps.ListVersionsAsync(Ct)).CreatedAt);
    }
}
