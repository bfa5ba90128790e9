using Microsoft.Data.Sqlite;

namespace Dify.Edge.Link.Queue;

/// <summary>Opens queue connections and creates the tables.</summary>
internal static class QueueSchema
{
    // AUTOINCREMENT: a sequence is never reused, even after the table empties, so a late ack of an old
    // sequence can never delete a newer event.
    private const string CreateTables = """
        CREATE TABLE IF NOT EXISTS events (
            seq        INTEGER PRIMARY KEY AUTOINCREMENT,
            source     TEXT    NOT NULL,
            event_id   BLOB    NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            payload    BLOB    NOT NULL,
            properties BLOB    NULL,
            size       INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS queue_meta (
            key   TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        """;

    public static SqliteConnection Open(OfflineQueueOptions options)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(options.SyncEveryCommit ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=10000;");
        return connection;
    }

    public static void Create(SqliteConnection connection) => Execute(connection, CreateTables);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
