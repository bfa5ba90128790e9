using Dify.Storage.Conversations;
using Microsoft.Data.Sqlite;

namespace Dify.Storage.Sqlite;

/// <summary>End users (app + session id) in the API database.</summary>
public sealed class SqliteEndUserStore(SqliteDatabase db, TimeProvider time) : IEndUserStore
{
    public async Task<EndUserRecord> GetOrCreateAsync(string appId, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Returning users are the common case: a read, no write lock on every request.
        if (await FindAsync(connection, appId, sessionId, cancellationToken).ConfigureAwait(false) is { } existing) return existing;
        await using (var insert = connection.Command("INSERT OR IGNORE INTO end_users (id, app_id, session_id, created_at) VALUES ($id, $app, $session, $at)"))
        {
            insert.With("$id", Guid.NewGuid().ToString()).With("$app", appId).With("$session", sessionId).With("$at", time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return (await FindAsync(connection, appId, sessionId, cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<EndUserRecord?> FindAsync(string appId, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await FindAsync(connection, appId, sessionId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<EndUserRecord?> FindAsync(SqliteConnection connection, string appId, string sessionId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT id, app_id, session_id, created_at FROM end_users WHERE app_id = $app AND session_id = $session")
            .With("$app", appId).With("$session", sessionId);
        return (await command.ReadAllAsync(r => new EndUserRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3)), cancellationToken).ConfigureAwait(false))
            .FirstOrDefault();
    }
}
