using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage;

/// <summary>Explicit BEGIN IMMEDIATE / COMMIT, so helper commands need no transaction object; rolled back on any failure.</summary>
internal static class SqliteTransactions
{
    public static async Task InTransactionAsync(this SqliteConnection connection, Func<Task> work, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "BEGIN IMMEDIATE", cancellationToken).ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
            await ExecuteAsync(connection, "COMMIT", CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
