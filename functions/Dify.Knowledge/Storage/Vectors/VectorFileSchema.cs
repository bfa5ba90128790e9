namespace Dify.Knowledge.Storage.Vectors;

/// <summary>
/// The SQLite side of the vector files: one row per embedding model naming its file (relative to the knowledge file's
/// <c>.vectors</c> folder) and the COMMITTED record count. The count is updated in the same transaction that points
/// chunks at new ordinals, so a crash can never leave a chunk pointing past it; records past it are garbage.
/// Meant to be appended to KnowledgeSchema.Sql; <see cref="VectorStore"/> also runs it once itself, so it is safe alone.
/// </summary>
internal static class VectorFileSchema
{
    public const string Sql = """
        CREATE TABLE IF NOT EXISTS vector_files(
            model TEXT PRIMARY KEY, file TEXT NOT NULL, dimensions INTEGER NOT NULL, count INTEGER NOT NULL);
        """;
}
