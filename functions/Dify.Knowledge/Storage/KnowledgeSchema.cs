namespace Dify.Knowledge.Storage;

/// <summary>
/// Tables of the knowledge file. chunks.kind: 0 = segment (searched), 1 = parent (returned, not searched),
/// 2 = child (searched, returns its parent); chunks.embedding_id is the ordinal of the chunk's vector in the vector
/// file of its dataset's embedding model (<see cref="Vectors.VectorStore"/>: append-only files beside this one, found
/// by content hash, so equal content is embedded once per model whatever document it comes from; vector_files holds
/// each file's committed count). Full-text search is an in-memory BM25 index built from chunks.content
/// (<see cref="Index.Keywords.KeywordIndex"/>), so the file holds no full-text index. attributes holds what the
/// Knowledge API keeps beside a dataset (document_id '') or a document (Dify fields the engine does not use:
/// permission, batch, position, data source...). Files written by earlier versions had an FTS5 table and an embeddings
/// table: opening them drops the first and moves the second into vector files (<see cref="Vectors.EmbeddingsMigration"/>).
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
        CREATE TABLE IF NOT EXISTS attributes(
            dataset_id TEXT NOT NULL, document_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY(dataset_id, document_id));
        """ + Vectors.VectorFileSchema.Sql;
}
