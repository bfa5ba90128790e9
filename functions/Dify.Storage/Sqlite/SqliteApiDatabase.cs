namespace Dify.Storage.Sqlite;

/// <summary>
/// The Service API's database (apps, keys, end users, conversations, messages, conversation
/// variables, run index) in one SQLite file, so a finished turn is one transaction.
/// </summary>
public static class SqliteApiDatabase
{
    public const string FileName = "api.db";

    /// <summary>Opens (creating if needed) and migrates the database in <paramref name="dataDirectory"/>.</summary>
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
        CREATE TABLE apps (
            id          TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            mode        TEXT NOT NULL,
            description TEXT NOT NULL,
            dsl         TEXT NOT NULL,
            version_key TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        );
        CREATE TABLE app_versions (
            key        TEXT PRIMARY KEY,
            app_id     TEXT NOT NULL,
            dsl        TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            id         TEXT PRIMARY KEY,
            app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
            type       TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX ix_api_keys_app ON api_keys (app_id, created_at);
        CREATE TABLE end_users (
            id         TEXT PRIMARY KEY,
            app_id     TEXT NOT NULL,
            session_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (app_id, session_id)
        );
        CREATE TABLE conversations (
            id          TEXT PRIMARY KEY,
            app_id      TEXT NOT NULL,
            end_user_id TEXT NOT NULL,
            name        TEXT NOT NULL,
            inputs      TEXT NOT NULL,
            status      TEXT NOT NULL,
            created_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        );
        CREATE INDEX ix_conversations_user ON conversations (app_id, end_user_id, updated_at);
        CREATE TABLE messages (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            id              TEXT NOT NULL UNIQUE,
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            app_id          TEXT NOT NULL,
            query           TEXT NOT NULL,
            answer          TEXT NOT NULL,
            inputs          TEXT NOT NULL,
            workflow_run_id TEXT,
            status          TEXT NOT NULL,
            error           TEXT,
            total_tokens    INTEGER NOT NULL,
            created_at      INTEGER NOT NULL
        );
        CREATE INDEX ix_messages_conversation ON messages (conversation_id, seq);
        CREATE TABLE conversation_variables (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            name            TEXT NOT NULL,
            id              TEXT NOT NULL,
            value_type      TEXT NOT NULL,
            value           TEXT,
            description     TEXT NOT NULL,
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, name)
        );
        CREATE TABLE workflow_runs (
            id               TEXT PRIMARY KEY,
            app_id           TEXT NOT NULL,
            workflow_id      TEXT NOT NULL,
            mode             TEXT NOT NULL,
            end_user_id      TEXT NOT NULL,
            session_id       TEXT NOT NULL,
            conversation_id  TEXT,
            message_id       TEXT,
            status           TEXT NOT NULL,
            inputs           TEXT NOT NULL,
            outputs          TEXT,
            error            TEXT,
            elapsed_time     REAL NOT NULL DEFAULT 0,
            total_tokens     INTEGER NOT NULL DEFAULT 0,
            total_steps      INTEGER NOT NULL DEFAULT 0,
            exceptions_count INTEGER NOT NULL DEFAULT 0,
            created_at       INTEGER NOT NULL,
            finished_at      INTEGER
        );
        CREATE INDEX ix_workflow_runs_app ON workflow_runs (app_id, created_at);
        CREATE INDEX ix_workflow_runs_unfinished ON workflow_runs (finished_at) WHERE finished_at IS NULL;
        """,
        """
        CREATE TABLE upload_files (
            id          TEXT PRIMARY KEY,
            app_id      TEXT NOT NULL,
            end_user_id TEXT NOT NULL,
            name        TEXT NOT NULL,
            size        INTEGER NOT NULL,
            extension   TEXT NOT NULL,
            mime_type   TEXT NOT NULL,
            created_at  INTEGER NOT NULL
        );
        CREATE INDEX ix_upload_files_app ON upload_files (app_id, created_at);
        CREATE TABLE message_feedbacks (
            message_id  TEXT PRIMARY KEY,
            app_id      TEXT NOT NULL,
            end_user_id TEXT NOT NULL,
            rating      TEXT NOT NULL,
            content     TEXT,
            created_at  INTEGER NOT NULL,
            updated_at  INTEGER NOT NULL
        );
        """,
    ];
}
