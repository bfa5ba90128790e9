using Dify.Storage.Edge;
using Dify.Storage.Sqlite;
using Dify.Testing;

namespace Dify.Storage.Tests.Edge;

/// <summary>The contract on a real SQLite file (<c>edge.db</c> in a temp folder).</summary>
public sealed class SqliteEdgeEventStoreTests : EdgeEventStoreContract, IDisposable
{
    private readonly TempDirectory _dir = new("dify-edge-events");

    protected override async Task<IEdgeEventStore> NewStoreAsync() =>
        new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(_dir.Combine(Guid.NewGuid().ToString("N")), Ct));

    [Fact]
    public async Task Events_survive_reopening_the_file()
    {
        var path = _dir.Combine("reopen");
        Assert.True(await new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(path, Ct)).TryInsertAsync(Event("d", "m", "kept", 1), Ct));
        var reopened = new SqliteEdgeEventStore(await SqliteEdgeDatabase.OpenAsync(path, Ct));
        Assert.NotNull(await reopened.GetAsync("d", "m", "kept", Ct));
        Assert.False(await reopened.TryInsertAsync(Event("d", "m", "kept", 2), Ct));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
