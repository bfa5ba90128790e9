using Microsoft.Data.Sqlite;

namespace Dify.Knowledge.Storage;

/// <summary>
/// Columns added after the first schema: files created earlier gain them on open (SQLite has no ADD COLUMN IF NOT
/// EXISTS, so each is added only when table_info lacks it). Defaults keep existing rows meaning what they meant.
/// </summary>
internal static class KnowledgeMigrations
{
    private static readonly (string Table, string Column, string Definition)[] Columns =
    [
        ("documents", "archived", "INTEGER NOT NULL DEFAULT 0"),
        ("chunks", "keywords_json", "TEXT"),
        ("chunks", "answer", "TEXT"),
        ("chunks", "hit_count", "INTEGER NOT NULL DEFAULT 0"),
        // Dify's child chunk type: made by the splitter (every row written before this column) or by a user's edit.
        ("chunks", "child_type", "TEXT NOT NULL DEFAULT 'automatic'"),
    ];

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken ct)
    {
        foreach (var (table, column, definition) in Columns)
        {
            await using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column";
            probe.Parameters.AddWithValue("$table", table);
            probe.Parameters.AddWithValue("$column", column);
            if ((long)(await probe.ExecuteScalarAsync(ct).ConfigureAwait(false))! > 0) continue;
            await using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition}"; // names from code, not input
            await alter.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
