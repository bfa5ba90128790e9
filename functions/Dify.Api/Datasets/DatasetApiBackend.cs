using Dify.Knowledge.Index;
using Dify.Knowledge.Pipeline;
using Dify.Storage.Sqlite;
using Dify.Workflows.Knowledge;

namespace Dify.Api.Datasets;

/// <summary>
/// What the Knowledge API runs on: the ingestor (datasets, documents, segments), the index (retrieve), the API
/// database (dataset keys), the data folder (document sources wait there until they are indexed) and the rerank
/// step for retrieval models naming a reranking_model.
/// </summary>
public sealed record DatasetApiBackend(KnowledgeIngestor Ingestor, SqliteKnowledgeIndex Index, SqliteDatabase ApiDatabase, string DataDirectory, ModelReranker Reranker);
