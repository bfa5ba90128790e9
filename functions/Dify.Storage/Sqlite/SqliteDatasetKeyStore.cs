using Dify.Storage.Datasets;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>Dataset API keys (token hashes) in the API database; the table is created on first use.</summary>
public sealed class SqliteDatasetKeyStore(SqliteDatabase db)
{
    private const string Columns = "id, token_hash, created_at";
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    public async Task CreateAsync(DatasetKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"INSERT INTO dataset_api_keys ({Columns}) VALUES ($id, $hash, $at)")
            .With("$id", key.Id).With("$hash", key.TokenHash).With("$at", key.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<DatasetKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM dataset_api_keys WHERE token_hash = $hash").With("$hash", tokenHash);
        return (await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<DatasetKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM dataset_api_keys ORDER BY created_at, id");
        return await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM dataset_api_keys WHERE id = $id").With("$id", keyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = await db.OpenAsync(ct).ConfigureAwait(false);
        if (_schemaReady) return connection;
        await _schemaGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var command = connection.Command("""
                CREATE TABLE IF NOT EXISTS dataset_api_keys (
                    id         TEXT PRIMARY KEY,
                    token_hash TEXT NOT NULL UNIQUE,
                    created_at INTEGER NOT NULL
                );
                """);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            _schemaReady = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private static DatasetKeyRecord Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.Time(2));
}
