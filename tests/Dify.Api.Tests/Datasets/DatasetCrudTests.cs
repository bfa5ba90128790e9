using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

public sealed class DatasetCrudTests
{
    internal static readonly string[] DatasetFields =
    [
        "id", "name", "description", "provider", "permission", "data_source_type", "indexing_technique", "app_count", "document_count",
        "word_count", "created_by", "created_at", "updated_by", "updated_at", "embedding_model", "embedding_model_provider",
        "embedding_available", "retrieval_model_dict", "tags", "doc_form", "external_knowledge_info", "external_retrieval_model",
        "doc_metadata", "built_in_field_enabled",
    ];

    [Fact]
    public async Task Datasets_are_created_listed_read_patched_and_deleted()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);

        var created = await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "Handbook", ["description"] = "HR rules", ["permission"] = "only_me" });
        DatasetClient.AssertKeys(created, DatasetFields);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(("Handbook", "HR rules", "vendor", "only_me"), (created["name"]!.GetValue<string>(), created["description"]!.GetValue<string>(),
            created["provider"]!.GetValue<string>(), created["permission"]!.GetValue<string>()));
        Assert.Null(created["indexing_technique"]); // set by the first document
        Assert.Null(created["data_source_type"]);
        Assert.Equal((0, 0L), (created["document_count"]!.GetValue<int>(), created["word_count"]!.GetValue<long>()));
        Assert.True(created["created_at"]!.GetValue<long>() > 1_700_000_000);
        DatasetClient.AssertKeys(created["retrieval_model_dict"], "search_method", "reranking_enable", "reranking_model", "top_k", "score_threshold_enabled");
        Assert.Equal("semantic_search", created["retrieval_model_dict"]!["search_method"]!.GetValue<string>());
        Assert.Empty(created["tags"]!.AsArray());

        var duplicate = await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "Handbook" }, 409);
        Assert.Equal(("dataset_name_duplicate", 409), (duplicate["code"]!.GetValue<string>(), duplicate["status"]!.GetValue<int>()));
        Assert.Equal("invalid_param", (await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "" }, 400))["code"]!.GetValue<string>());
        Assert.Equal("invalid_param", (await client.JsonAsync(HttpMethod.Post, "datasets", new JsonObject { ["name"] = "x", ["indexing_technique"] = "best" }, 400))["code"]!.GetValue<string>());

        var second = await client.CreateDatasetAsync("Engineering wiki", "economy");
        var third = await client.CreateDatasetAsync("Sales playbook");

        var all = await client.JsonAsync(HttpMethod.Get, "datasets?page=1&limit=2");
        Assert.Equal((3, 2, 1, true), (all["total"]!.GetValue<int>(), all["limit"]!.GetValue<int>(), all["page"]!.GetValue<int>(), all["has_more"]!.GetValue<bool>()));
        Assert.Equal(2, all["data"]!.AsArray().Count);
        DatasetClient.AssertKeys(all["data"]![0], DatasetFields);
        var page2 = await client.JsonAsync(HttpMethod.Get, "datasets?page=2&limit=2");
        Assert.False(page2["has_more"]!.GetValue<bool>());
        Assert.Single(page2["data"]!.AsArray());
        var found = await client.JsonAsync(HttpMethod.Get, "datasets?keyword=wiki");
        Assert.Equal(second, Assert.Single(found["data"]!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal("economy", found["data"]![0]!["indexing_technique"]!.GetValue<string>());

        var read = await client.JsonAsync(HttpMethod.Get, $"datasets/{id}");
        Assert.Equal("Handbook", read["name"]!.GetValue<string>());

        var patched = await client.JsonAsync(HttpMethod.Patch, $"datasets/{id}", new JsonObject
        {
            ["name"] = "People handbook",
            ["retrieval_model"] = new JsonObject { ["search_method"] = "hybrid_search", ["top_k"] = 3, ["score_threshold_enabled"] = false },
        });
        Assert.Equal(("People handbook", "HR rules"), (patched["name"]!.GetValue<string>(), patched["description"]!.GetValue<string>()));
        Assert.Equal(("hybrid_search", 3), (patched["retrieval_model_dict"]!["search_method"]!.GetValue<string>(), patched["retrieval_model_dict"]!["top_k"]!.GetValue<int>()));
        Assert.Equal("only_me", patched["permission"]!.GetValue<string>());
        Assert.Equal("dataset_name_duplicate", (await client.JsonAsync(HttpMethod.Patch, $"datasets/{id}", new JsonObject { ["name"] = "Sales playbook" }, 409))["code"]!.GetValue<string>());
        Assert.Equal("hybrid_search", (await client.JsonAsync(HttpMethod.Get, $"datasets/{id}"))["retrieval_model_dict"]!["search_method"]!.GetValue<string>());

        Assert.Equal(204, await client.StatusAsync(HttpMethod.Delete, $"datasets/{third}"));
        var missing = await client.JsonAsync(HttpMethod.Get, $"datasets/{third}", status: 404);
        Assert.Equal(("not_found", 404), (missing["code"]!.GetValue<string>(), missing["status"]!.GetValue<int>()));
        Assert.Equal(404, await client.StatusAsync(HttpMethod.Delete, $"datasets/{third}"));
        Assert.Equal(2, (await client.JsonAsync(HttpMethod.Get, "datasets"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_first_document_must_name_an_indexing_technique_and_sets_the_datasets()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var id = await client.CreateDatasetAsync("No technique yet", technique: null);

        var error = await client.JsonAsync(HttpMethod.Post, $"datasets/{id}/document/create-by-text", new JsonObject { ["name"] = "a", ["text"] = "hello" }, 400);
        Assert.Equal("invalid_param", error["code"]!.GetValue<string>());
        var badRule = await client.JsonAsync(HttpMethod.Post, $"datasets/{id}/document/create-by-text", new JsonObject
        {
            ["name"] = "a", ["text"] = "hello", ["indexing_technique"] = "high_quality",
            ["process_rule"] = new JsonObject { ["mode"] = "custom", ["rules"] = new JsonObject { ["segmentation"] = new JsonObject { ["separator"] = "\\n", ["max_tokens"] = 99999 } } },
        }, 400);
        Assert.Equal("invalid_param", badRule["code"]!.GetValue<string>());

        var (_, _) = await client.AddTextAsync(id, "a", "hello world");
        var dataset = await client.JsonAsync(HttpMethod.Get, $"datasets/{id}");
        Assert.Equal(("high_quality", "text_model", "upload_file"), (dataset["indexing_technique"]!.GetValue<string>(),
            dataset["doc_form"]!.GetValue<string>(), dataset["data_source_type"]!.GetValue<string>()));
        Assert.Equal((1, 11L), (dataset["document_count"]!.GetValue<int>(), dataset["word_count"]!.GetValue<long>()));
        // Later documents inherit it.
        var created = await client.JsonAsync(HttpMethod.Post, $"datasets/{id}/document/create-by-text", new JsonObject { ["name"] = "b", ["text"] = "second" });
        Assert.Equal("completed", (await client.WaitIndexedAsync(id, created["batch"]!.GetValue<string>()))["data"]![0]!["indexing_status"]!.GetValue<string>());
    }
}
