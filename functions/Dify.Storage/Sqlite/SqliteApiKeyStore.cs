using Dify.Storage.Apps;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>API keys (token hashes) in the API database; deleting an app deletes its keys.</summary>
public sealed class SqliteApiKeyStore(SqliteDatabase db) : IApiKeyStore
{
    private const string Columns = "id, app_id, type, token_hash, created_at";

    public async Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"INSERT INTO api_keys ({Columns}) VALUES ($id, $app, $type, $hash, $at)")
            .With("$id", key.Id).With("$app", key.AppId).With("$type", key.Type).With("$hash", key.TokenHash).With("$at", key.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiKeyRecord?> FindByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM api_keys WHERE token_hash = $hash").With("$hash", tokenHash);
        return (await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command($"SELECT {Columns} FROM api_keys WHERE app_id = $app ORDER BY created_at, id").With("$app", appId);
        return await command.ReadAllAsync(Map, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string appId, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command("DELETE FROM api_keys WHERE app_id = $app AND id = $id").With("$app", appId).With("$id", keyId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static ApiKeyRecord Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4));
}
