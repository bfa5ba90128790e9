using Microsoft.Data.Sqlite;

namespace Dify.Durable.Storage;

/// <summary>Tables of the embedded store. History is append-only per instance; the inbox holds raised events
/// until the orchestrator consumes them (so an event survives a crash before it reaches history).</summary>
internal static class Schema
{
    private const string CreateSql = """
        CREATE TABLE IF NOT EXISTS instances(
            instance_id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            status INTEGER NOT NULL,
            input TEXT NULL,
            output TEXT NULL,
            error TEXT NULL,
            custom_status TEXT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_instances_unfinished ON instances(status) WHERE status IN (0, 1);
        CREATE TABLE IF NOT EXISTS history(
            instance_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind INTEGER NOT NULL,
            task_id INTEGER NOT NULL,
            name TEXT NULL,
            payload TEXT NULL,
            detail TEXT NULL,
            ts INTEGER NOT NULL,
            PRIMARY KEY(instance_id, seq)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS inbox(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance_id TEXT NOT NULL,
            name TEXT NOT NULL,
            payload TEXT NULL,
            created_at INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_inbox_instance ON inbox(instance_id, id);
        """;

    /// <summary>WAL lets readers run beside the single writer; synchronous=NORMAL keeps commits off fsync
    /// (a process crash loses nothing committed; only an OS crash may lose the last commits).</summary>
    public static void Apply(SqliteConnection connection)
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA temp_store=MEMORY;";
        pragma.ExecuteNonQuery();
        using var create = connection.CreateCommand();
        create.CommandText = CreateSql;
        create.ExecuteNonQuery();
    }

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
    }.ToString();
}
