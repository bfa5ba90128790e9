using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Storage.Sqlite;

namespace Dify.Api.Datasets;

/// <summary>
/// What the Knowledge API runs on: the ingestor (datasets, documents, segments), the index (retrieve), the API
/// database (dataset keys) and the data folder (document sources wait there until they are indexed).
/// </summary>
public sealed record DatasetApiBackend(KnowledgeIngestor Ingestor, SqliteKnowledgeIndex Index, SqliteDatabase ApiDatabase, string DataDirectory);
