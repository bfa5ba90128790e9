using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage.Vectors;

/// <summary>The writer protocol of <see cref="VectorSet"/> around one SQLite transaction, so callers cannot skip a step.</summary>
internal static class VectorTransactions
{
    /// <summary>
    /// BEGIN IMMEDIATE, <paramref name="work"/> (appends to <paramref name="set"/> and points rows at the ordinals),
    /// stage the set's count, COMMIT, then <see cref="VectorSet.Committed"/>; on any failure ROLLBACK and
    /// <see cref="VectorSet.RolledBack"/>, so the appended tail is discarded and its ordinals reused. A null
    /// <paramref name="set"/> (nothing appended) makes it a plain transaction.
    /// </summary>
    public static async Task InVectorTransactionAsync(this SqliteConnection connection, VectorSet? set, Func<Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(work);
        if (set is null)
        {
            await connection.InTransactionAsync(work, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await connection.InTransactionAsync(async () =>
            {
                await work().ConfigureAwait(false);
                await set.StageCommitAsync(connection, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            set.RolledBack();
            throw;
        }
        set.Committed();
    }
}
