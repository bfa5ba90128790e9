using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Index;

/// <summary>A child chunk that matched, inside a parent-child hit (Dify's child_chunks of a retrieve record).</summary>
public sealed record ChildChunkHit(string Id, string Content, int Position, double Score);

/// <summary>A search result: the segment (for parent-child datasets, the parent) and the child chunks that matched it.</summary>
public sealed record KnowledgeHit(RetrievedChunk Chunk, IReadOnlyList<ChildChunkHit> ChildChunks);
