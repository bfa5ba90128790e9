using System.Text.Json.Nodes;
using Dify.Api.Http;
using Dify.Knowledge.Embedding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Dify.Api.Datasets;

/// <summary>
/// <c>GET /workspaces/current/models/model-types/text-embedding</c> in Dify's shape ({data: [{provider, label, status,
/// models: [...]}]}): the embedded embedder, the providers configured under Models:Providers (with their forced model
/// when they name one), and every embedding model a dataset already uses.
/// </summary>
internal static class EmbeddingModelEndpoints
{
    public static void Map(RouteGroupBuilder v1) => v1.MapGet("/workspaces/current/models/model-types/text-embedding", ListAsync);

    private static async Task<IResult> ListAsync(HttpContext http, DatasetApiBackend backend, IConfiguration configuration)
    {
        var models = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal)
        {
            [HashingEmbeddingModel.ProviderName] = new(StringComparer.Ordinal) { HashingEmbeddingModel.ModelName },
        };
        void Add(string provider, string? model)
        {
            if (!models.TryGetValue(provider, out var set)) models[provider] = set = new SortedSet<string>(StringComparer.Ordinal);
            if (!string.IsNullOrWhiteSpace(model)) set.Add(model);
        }
        foreach (var provider in configuration.GetSection("Models:Providers").GetChildren())
            Add(provider.Key.ToLowerInvariant(), provider["Model"]);
        foreach (var dataset in await backend.Ingestor.Datasets.ListAsync(http.RequestAborted))
            if (dataset.HasVectors) Add(dataset.EmbeddingProvider, dataset.EmbeddingModel);

        var data = new JsonArray();
        foreach (var (provider, names) in models)
        {
            var list = new JsonArray();
            foreach (var name in names)
            {
                list.Add(new JsonObject
                {
                    ["model"] = name,
                    ["label"] = Label(name),
                    ["model_type"] = "text-embedding",
                    ["features"] = null,
                    ["fetch_from"] = "predefined-model",
                    ["model_properties"] = new JsonObject { ["context_size"] = provider == HashingEmbeddingModel.ProviderName ? 8192 : null },
                    ["deprecated"] = false,
                    ["status"] = "active",
                    ["load_balancing_enabled"] = false,
                });
            }
            data.Add(new JsonObject
            {
                ["provider"] = provider,
                ["label"] = Label(provider),
                ["icon_small"] = null,
                ["icon_large"] = null,
                ["status"] = "active",
                ["models"] = list,
            });
        }
        return ApiJson.Result(new JsonObject { ["data"] = data });
    }

    private static JsonObject Label(string text) => new() { ["en_US"] = text, ["zh_Hans"] = text };
}
