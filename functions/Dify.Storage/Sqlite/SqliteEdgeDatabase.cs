namespace Dify.Storage.Sqlite;

/// <summary>Device events in their own SQLite file (<c>edge.db</c>): a burst of telemetry never contends with API writes.</summary>
public static class SqliteEdgeDatabase
{
    public const string FileName = "edge.db";

    public static async Task<SqliteDatabase> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var db = new SqliteDatabase(Path.Combine(dataDirectory, FileName));
        await SqliteMigrator.MigrateAsync(db, Migrations, cancellationToken).ConfigureAwait(false);
        return db;
    }

    /// <summary>Append-only; times are unix milliseconds, JSON columns hold text.</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE edge_events (
            seq              INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id        TEXT NOT NULL,
            module_id        TEXT NOT NULL,
            event_id         TEXT NOT NULL,
            status           TEXT NOT NULL,
            source           TEXT,
            template_version TEXT,
            run_status       TEXT,
            message_id       TEXT,
            created_at       INTEGER,
            enqueued_at      INTEGER NOT NULL,
            received_at      INTEGER NOT NULL,
            properties       TEXT NOT NULL,
            event            TEXT,
            raw_body         TEXT,
            error            TEXT,
            UNIQUE (device_id, module_id, event_id)
        );
        CREATE INDEX ix_edge_events_time ON edge_events (received_at, seq);
        CREATE INDEX ix_edge_events_device ON edge_events (device_id, received_at, seq);
        """,
    ];
}
