using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>
/// Applies numbered schema migrations to a database, each once and in its own transaction, recording
/// them in <c>schema_migrations</c>. Migrations are append-only: never edit one that has shipped.
/// </summary>
public static class SqliteMigrator
{
    public static async Task<int> MigrateAsync(SqliteDatabase db, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var applied = 0;
        for (var version = 1; version <= migrations.Count; version++)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var check = connection.CreateCommand();
            check.Transaction = tx;
            check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0) continue;

            await using var apply = connection.CreateCommand();
            apply.Transaction = tx;
            apply.CommandText = migrations[version - 1] + ";\nINSERT INTO schema_migrations (version, applied_at) VALUES ($v, $at);";
            apply.Parameters.AddWithValue("$v", version);
            apply.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied++;
        }
        return applied;
    }
}
