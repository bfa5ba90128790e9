namespace Dify.Knowledge.Storage;

/// <summary>
/// Tables of the knowledge file. chunks.kind: 0 = segment (searched), 1 = parent (returned, not searched),
/// 2 = child (searched, returns its parent); chunks.embedding_id points at the chunk's vector. Vectors live in
/// embeddings, appended in arrival order (random-keyed big rows would leave pages half empty) and found by
/// (model, content hash), so equal
/// content is embedded once per model whatever document it comes from. chunks_fts is an external-content FTS5 index
/// over the searched chunks (BM25). attributes holds what the Knowledge API keeps beside a dataset (document_id '') or
/// a document (Dify fields the engine does not use: permission, batch, position, data source...).
/// embeddings.format says how a vector blob is encoded (see <see cref="VectorBlob"/>); files written before it existed
/// get the column from <see cref="AddedColumns"/> with default 0 (float32), so their vectors read as before.
/// </summary>
internal static class KnowledgeSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS datasets(
            id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT, indexing_technique TEXT NOT NULL,
            embedding_provider TEXT, embedding_model TEXT, retrieval_json TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS documents(
            dataset_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
            rule_json TEXT, source_hash TEXT, metadata_json TEXT, enabled INTEGER NOT NULL DEFAULT 1,
            total_segments INTEGER NOT NULL DEFAULT 0, completed_segments INTEGER NOT NULL DEFAULT 0,
            word_count INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, processing_started_at INTEGER,
            parsing_completed_at INTEGER, cleaning_completed_at INTEGER, splitting_completed_at INTEGER,
            completed_at INTEGER, updated_at INTEGER NOT NULL,
            PRIMARY KEY(dataset_id, id));
        CREATE TABLE IF NOT EXISTS chunks(
            id INTEGER PRIMARY KEY, dataset_id TEXT NOT NULL, document_id TEXT NOT NULL, segment_id TEXT NOT NULL,
            position INTEGER NOT NULL, child_position INTEGER NOT NULL DEFAULT 0, parent_id INTEGER, kind INTEGER NOT NULL,
            content TEXT NOT NULL, content_hash BLOB NOT NULL, indexed INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 1, metadata_json TEXT, embedding_id INTEGER);
        CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(dataset_id, document_id, indexed);
        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
            content, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE IF NOT EXISTS embeddings(
            id INTEGER PRIMARY KEY, model TEXT NOT NULL, content_hash BLOB NOT NULL, vector BLOB NOT NULL,
            format INTEGER NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX IF NOT EXISTS embeddings_by_content ON embeddings(model, content_hash);
        CREATE TABLE IF NOT EXISTS attributes(
            dataset_id TEXT NOT NULL, document_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(dataset_id, document_id));
        """;

    /// <summary>
    /// Columns added after the first release: (table, column, definition). Opening a file adds the missing ones in
    /// place (ALTER TABLE ADD COLUMN rewrites no rows), so an existing knowledge file keeps its data and stays readable.
    /// </summary>
    public static readonly (string Table, string Column, string Definition)[] AddedColumns =
    [
        ("embeddings", "format", "INTEGER NOT NULL DEFAULT 0"),
    ];
}
