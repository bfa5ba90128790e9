using Dify.Storage.Apps;
using Dify.Storage.Sqlite;

namespace Dify.Api.Tests.Storage;

public sealed class SqliteAppStoreTests : IAsyncLifetime
{
    private readonly SqliteStoreFixture _store = new();
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync() => _store.InitializeAsync();
    public Task DisposeAsync() => _store.DisposeAsync();

    private static AppRecord App(string id, int minute) =>
        new(id, "name " + id, "workflow", "d", "dsl " + id, "wf-" + id, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + minute * 60), DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    [Fact]
    public async Task Apps_round_trip_list_newest_first_and_delete_keeps_versions_but_drops_keys()
    {
        var apps = new SqliteAppStore(_store.Db);
        var keys = new SqliteApiKeyStore(_store.Db);
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
        var apps = new SqliteAppStore(_store.Db);
        var keys = new SqliteApiKeyStore(_store.Db);
        await apps.CreateAsync(App("a", 1), Ct);
        await apps.CreateAsync(App("b", 1), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k1", "a", "app", "h1", DateTimeOffset.FromUnixTimeSeconds(1)), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k2", "a", "app", "h2", DateTimeOffset.FromUnixTimeSeconds(2)), Ct);
        await keys.CreateAsync(new ApiKeyRecord("k3", "b", "app", "h3", DateTimeOffset.FromUnixTimeSeconds(3)), Ct);

        Assert.Equal(["k1", "k2"], (await keys.ListAsync("a", Ct)).Select(k => k.Id));
        Assert.False(await keys.DeleteAsync("b", "k1", Ct));
        Assert.True(await keys.DeleteAsync("a", "k1", Ct));
        Assert.Equal(["k2"], (await keys.ListAsync("a", Ct)).Select(k => k.Id));
    }

    [Fact]
    public async Task Migrations_apply_once()
    {
        Assert.Equal(0, await SqliteMigrator.MigrateAsync(_store.Db, SqliteApiDatabase.Migrations, Ct));
        var again = await SqliteApiDatabase.OpenAsync(_store.Folder, Ct);
        await new SqliteAppStore(again).CreateAsync(App("x", 1), Ct);
        Assert.NotNull(await new SqliteAppStore(_store.Db).GetAsync("x", Ct));
    }
}
