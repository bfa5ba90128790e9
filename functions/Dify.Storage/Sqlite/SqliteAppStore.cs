using Dify.Storage.Apps;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>Apps and their DSL versions in the API database.</summary>
public sealed class SqliteAppStore(SqliteDatabase db) : IAppStore
{
    private const string Columns = "id, name, mode, description, dsl, version_key, created_at, updated_at";

    public async Task CreateAsync(AppRecord app, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = connection.Command($"INSERT INTO apps ({Columns}) VALUES ($id, $name, $mode, $description, $dsl, $key, $created, $updated)", tx))
        {
            insert.With("$id", app.Id).With("$name", app.Name).With("$mode", app.Mode).With("$description", app.Description)
                .With("$dsl", app.Dsl).With("$key", app.VersionKey).With("$created", app.CreatedAt).With("$updated", app.UpdatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var version = connection.Command("INSERT OR IGNORE INTO app_versions (key, app_id, dsl, created_at) VALUES ($key, $app, $dsl, $at)", tx))
        {
            version.With("$key", app.VersionKey).With("$app", app.Id).With("$dsl", app.Dsl).With("$at", app.CreatedAt);
            await version.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<AppRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM apps WHERE id = $id").With("$id", id);
        return (await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<AppRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM apps ORDER BY created_at DESC, id");
        return await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM apps WHERE id = $id").With("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<IReadOnlyList<AppVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("SELECT key, app_id, dsl, created_at FROM app_versions ORDER BY created_at");
        return await command.ReadAllAsync(r => new AppVersionRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3)), cancellationToken).ConfigureAwait(false);
    }

    private static AppRecord Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.Time(6), r.Time(7));
}
