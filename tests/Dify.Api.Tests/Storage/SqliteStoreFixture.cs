using Dify.Storage.Sqlite;
using Dify.Testing;

namespace Dify.Api.Tests.Storage;

/// <summary>A fresh, migrated API database in a temp folder.</summary>
public sealed class SqliteStoreFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("dify-api-store");

    public SqliteDatabase Db { get; private set; } = null!;

    public async Task InitializeAsync() => Db = await SqliteApiDatabase.OpenAsync(_dir.Path, CancellationToken.None);

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    public string Folder => _dir.Path;
}
