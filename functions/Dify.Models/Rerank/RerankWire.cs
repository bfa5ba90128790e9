using System.Text.Json.Serialization;

namespace Dify.Models.Rerank;

/// <summary>The request of the common <c>/rerank</c> API (Jina, Cohere v1, Xinference, vLLM, TEI-compatible gateways).</summary>
internal sealed record RerankRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("query")] string Query,
    [property: JsonPropertyName("documents")] IReadOnlyList<string> Documents,
    [property: JsonPropertyName("top_n")] int? TopN,
    [property: JsonPropertyName("return_documents")] bool ReturnDocuments);

internal sealed record RerankResponse([property: JsonPropertyName("results")] IReadOnlyList<RerankResponseItem>? Results);

internal sealed record RerankResponseItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("relevance_score")] double RelevanceScore);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(RerankResponse))]
internal sealed partial class RerankJsonContext : JsonSerializerContext;
