using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

public sealed class DocumentFlowTests
{
    internal const string Photosynthesis = "Photosynthesis converts sunlight, water and carbon dioxide into glucose and oxygen inside the chloroplasts of plant leaves.";
    internal const string Borrowing = "The Rust borrow checker enforces ownership rules at compile time so that references never outlive the data they point to.";
    internal const string Sourdough = "Sourdough bread rises thanks to a starter culture of wild yeast and lactic acid bacteria fed with flour and water.";
    internal static readonly string Text = string.Join("\n\n", Photosynthesis, Borrowing, Sourdough);

    internal static readonly string[] DocumentFields =
    [
        "id", "position", "data_source_type", "data_source_info", "data_source_detail_dict", "dataset_process_rule_id", "name", "created_from",
        "created_by", "created_at", "tokens", "indexing_status", "error", "enabled", "disabled_at", "disabled_by", "archived", "display_status",
        "word_count", "hit_count", "doc_form", "doc_metadata", "need_summary", "summary_index_status",
    ];

    internal static readonly string[] SegmentFields =
    [
        "id", "position", "document_id", "content", "sign_content", "answer", "word_count", "tokens", "keywords", "index_node_id",
        "index_node_hash", "hit_count", "enabled", "disabled_at", "disabled_by", "status", "created_by", "created_at", "updated_at", "updated_by",
        "indexing_at", "completed_at", "error", "stopped_at", "child_chunks", "attachments", "summary",
    ];

    internal static readonly string[] StatusFields =
    [
        "id", "indexing_status", "processing_started_at", "parsing_completed_at", "cleaning_completed_at", "splitting_completed_at",
        "completed_at", "paused_at", "error", "stopped_at", "completed_segments", "total_segments",
    ];

    internal static JsonObject ParagraphRule() => new()
    {
        ["mode"] = "custom",
        ["rules"] = new JsonObject
        {
            ["pre_processing_rules"] = new JsonArray(new JsonObject { ["id"] = "remove_extra_spaces", ["enabled"] = true }),
            ["segmentation"] = new JsonObject { ["separator"] = "\\n\\n", ["max_tokens"] = 200, ["chunk_overlap"] = 0 },
        },
    };

    [Fact]
    public async Task Text_is_indexed_in_the_background_then_listed_segmented_edited_and_retrieved()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Science", technique: null);

        var created = await client.CreateByTextAsync(datasetId, "Notes v1.2", Text, ParagraphRule());
        DatasetClient.AssertKeys(created, "document", "batch");
        var document = created["document"]!.AsObject();
        DatasetClient.AssertKeys(document, DocumentFields);
        Assert.Equal(("Notes v1.2", "waiting", "queuing", "upload_file", "api", "text_model", 1), (document["name"]!.GetValue<string>(),
            document["indexing_status"]!.GetValue<string>(), document["display_status"]!.GetValue<string>(), document["data_source_type"]!.GetValue<string>(),
            document["created_from"]!.GetValue<string>(), document["doc_form"]!.GetValue<string>(), document["position"]!.GetValue<int>()));
        Assert.Equal("txt", document["data_source_detail_dict"]!["upload_file"]!["extension"]!.GetValue<string>());
        var documentId = document["id"]!.GetValue<string>();
        var batch = created["batch"]!.GetValue<string>();
        Assert.Matches("^[0-9]{20}$", batch);

        var status = await client.WaitIndexedAsync(datasetId, batch);
        var entry = Assert.Single(status["data"]!.AsArray())!;
        DatasetClient.AssertKeys(entry, StatusFields);
        Assert.Equal((documentId, "completed", 3, 3), (entry["id"]!.GetValue<string>(), entry["indexing_status"]!.GetValue<string>(),
            entry["completed_segments"]!.GetValue<int>(), entry["total_segments"]!.GetValue<int>()));
        Assert.NotNull(entry["completed_at"]);
        Assert.NotNull(entry["splitting_completed_at"]);
        Assert.Null(entry["error"]);

        var list = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents?page=1&limit=20");
        Assert.Equal((1, false, 20, 1), (list["total"]!.GetValue<int>(), list["has_more"]!.GetValue<bool>(), list["limit"]!.GetValue<int>(), list["page"]!.GetValue<int>()));
        var listed = Assert.Single(list["data"]!.AsArray())!;
        DatasetClient.AssertKeys(listed, DocumentFields);
        Assert.Equal(("completed", "available", (long)Text.Length - 4), (listed["indexing_status"]!.GetValue<string>(),
            listed["display_status"]!.GetValue<string>(), listed["word_count"]!.GetValue<long>()));
        Assert.Empty((await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents?keyword=nothing"))["data"]!.AsArray());
        var single = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}");
        DatasetClient.AssertKeys(single, DocumentFields);
        Assert.Equal("custom", single["document_process_rule"]!["mode"]!.GetValue<string>());

        var segments = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments");
        DatasetClient.AssertKeys(segments, "data", "doc_form", "total", "has_more", "limit", "page");
        Assert.Equal(("text_model", 3), (segments["doc_form"]!.GetValue<string>(), segments["total"]!.GetValue<int>()));
        var data = segments["data"]!.AsArray();
        foreach (var segment in data) DatasetClient.AssertKeys(segment, SegmentFields);
        Assert.Equal([Photosynthesis, Borrowing, Sourdough], data.Select(s => s!["content"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], data.Select(s => s!["position"]!.GetValue<int>()));
        Assert.All(data, s => Assert.Equal(("completed", true, documentId), (s!["status"]!.GetValue<string>(), s["enabled"]!.GetValue<bool>(), s["document_id"]!.GetValue<string>())));
        var photoId = data[0]!["id"]!.GetValue<string>();
        var borrowId = data[1]!["id"]!.GetValue<string>();

        var records = await client.RetrieveAsync(datasetId, "How do plants turn sunlight into glucose?");
        var top = records[0]!;
        DatasetClient.AssertKeys(top, "segment", "child_chunks", "score", "tsne_position", "files", "summary");
        DatasetClient.AssertKeys(top["segment"], "id", "position", "document_id", "content", "sign_content", "answer", "word_count", "tokens", "keywords",
            "index_node_id", "index_node_hash", "hit_count", "enabled", "disabled_at", "disabled_by", "status", "created_by", "created_at", "indexing_at",
            "completed_at", "error", "stopped_at", "document");
        DatasetClient.AssertKeys(top["segment"]!["document"], "id", "data_source_type", "name", "doc_type", "doc_metadata");
        Assert.Equal((photoId, Photosynthesis), (top["segment"]!["id"]!.GetValue<string>(), top["segment"]!["content"]!.GetValue<string>()));
        Assert.Equal((documentId, "Notes v1.2"), (top["segment"]!["document"]!["id"]!.GetValue<string>(), top["segment"]!["document"]!["name"]!.GetValue<string>()));
        Assert.Null(top["tsne_position"]);
        Assert.InRange(top["score"]!.GetValue<double>(), 0.0001, 1.0);
        var query = (await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/retrieve", new JsonObject { ["query"] = "yeast" }))["query"]!;
        Assert.Equal("yeast", query["content"]!.GetValue<string>());
        var fullText = await client.RetrieveAsync(datasetId, "wild yeast starter", new JsonObject { ["search_method"] = "full_text_search", ["top_k"] = 1 });
        Assert.Equal(Sourdough, Assert.Single(fullText)!["segment"]!["content"]!.GetValue<string>());

        // Add a segment: embedded and searchable at once.
        const string Jupiter = "Jupiter is the largest planet of the solar system, a gas giant with a great red storm.";
        var added = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{documentId}/segments",
            new JsonObject { ["segments"] = new JsonArray(new JsonObject { ["content"] = Jupiter, ["keywords"] = new JsonArray("planet") }) });
        Assert.Equal("text_model", added["doc_form"]!.GetValue<string>());
        var addedSegment = Assert.Single(added["data"]!.AsArray())!;
        DatasetClient.AssertKeys(addedSegment, SegmentFields);
        Assert.Equal((4, Jupiter, "completed"), (addedSegment["position"]!.GetValue<int>(), addedSegment["content"]!.GetValue<string>(), addedSegment["status"]!.GetValue<string>()));
        var jupiterId = addedSegment["id"]!.GetValue<string>();
        Assert.Equal(jupiterId, (await client.RetrieveAsync(datasetId, "largest planet Jupiter"))[0]!["segment"]!["id"]!.GetValue<string>());
        Assert.Equal(4, (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments"))["total"]!.GetValue<int>());

        // Update a segment's content: the old text is no longer found, the new one is.
        const string Kubernetes = "Kubernetes schedules containers onto cluster nodes and restarts pods that fail their health checks.";
        var updated = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{documentId}/segments/{borrowId}",
            new JsonObject { ["segment"] = new JsonObject { ["content"] = Kubernetes } });
        DatasetClient.AssertKeys(updated["data"], SegmentFields);
        Assert.Equal((borrowId, Kubernetes), (updated["data"]!["id"]!.GetValue<string>(), updated["data"]!["content"]!.GetValue<string>()));
        Assert.Equal(borrowId, (await client.RetrieveAsync(datasetId, "Kubernetes containers pods"))[0]!["segment"]!["id"]!.GetValue<string>());
        Assert.DoesNotContain(await client.RetrieveAsync(datasetId, "borrow checker ownership references", new JsonObject { ["search_method"] = "hybrid_search", ["top_k"] = 10 }),
            r => r!["segment"]!["content"]!.GetValue<string>().Contains("borrow", StringComparison.Ordinal));
        var got = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments/{borrowId}");
        Assert.Equal(Kubernetes, got["data"]!["content"]!.GetValue<string>());

        // Disable a segment: it is not retrieved; enable it again: it is.
        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{documentId}/segments/{photoId}", new JsonObject { ["segment"] = new JsonObject { ["enabled"] = false } });
        Assert.DoesNotContain(await client.RetrieveAsync(datasetId, "photosynthesis sunlight glucose", new JsonObject { ["top_k"] = 10 }), r => r!["segment"]!["id"]!.GetValue<string>() == photoId);
        await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{documentId}/segments/{photoId}", new JsonObject { ["segment"] = new JsonObject { ["enabled"] = true } });
        Assert.Equal(photoId, (await client.RetrieveAsync(datasetId, "photosynthesis sunlight glucose"))[0]!["segment"]!["id"]!.GetValue<string>());

        // Delete a segment.
        Assert.Equal(204, await client.StatusAsync(HttpMethod.Delete, $"datasets/{datasetId}/documents/{documentId}/segments/{jupiterId}"));
        Assert.DoesNotContain(await client.RetrieveAsync(datasetId, "largest planet Jupiter", new JsonObject { ["top_k"] = 10 }), r => r!["segment"]!["id"]!.GetValue<string>() == jupiterId);
        Assert.Equal(404, await client.StatusAsync(HttpMethod.Delete, $"datasets/{datasetId}/documents/{documentId}/segments/{jupiterId}"));
        var after = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}");
        Assert.Equal((long)(Photosynthesis.Length + Kubernetes.Length + Sourdough.Length), after["word_count"]!.GetValue<long>());
        Assert.Equal(3, (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{batch}/indexing-status"))["data"]![0]!["total_segments"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_by_text_replaces_the_chunks_and_delete_removes_them()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Replace");
        var (first, _) = await client.AddTextAsync(datasetId, "science", Text, ParagraphRule());
        var (second, _) = await client.AddTextAsync(datasetId, "space", "Saturn has rings made of ice and rock that orbit the planet.", ParagraphRule());

        const string Replacement = "Volcanoes erupt when magma from the mantle rises through cracks in the crust.";
        var updated = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/documents/{first}/update-by-text", new JsonObject { ["name"] = "geology", ["text"] = Replacement });
        Assert.Equal((first, "geology"), (updated["document"]!["id"]!.GetValue<string>(), updated["document"]!["name"]!.GetValue<string>()));
        Assert.Equal(1, updated["document"]!["position"]!.GetValue<int>());
        await client.WaitIndexedAsync(datasetId, updated["batch"]!.GetValue<string>());

        var segments = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{first}/segments"))["data"]!.AsArray();
        Assert.Equal(Replacement, Assert.Single(segments)!["content"]!.GetValue<string>());
        var wide = new JsonObject { ["search_method"] = "hybrid_search", ["top_k"] = 10 };
        Assert.DoesNotContain(await client.RetrieveAsync(datasetId, "photosynthesis sunlight glucose chloroplasts", wide),
            r => r!["segment"]!["content"]!.GetValue<string>().Contains("Photosynthesis", StringComparison.Ordinal));
        Assert.Equal(Replacement, (await client.RetrieveAsync(datasetId, "volcano magma eruption"))[0]!["segment"]!["content"]!.GetValue<string>());

        Assert.Equal(204, await client.StatusAsync(HttpMethod.Delete, $"datasets/{datasetId}/documents/{first}"));
        Assert.Equal(404, await client.StatusAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{first}"));
        Assert.DoesNotContain(await client.RetrieveAsync(datasetId, "volcanoes magma mantle crust", wide), r => r!["segment"]!["document_id"]!.GetValue<string>() == first);
        Assert.Equal(second, (await client.RetrieveAsync(datasetId, "Saturn rings"))[0]!["segment"]!["document_id"]!.GetValue<string>());
        var dataset = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}");
        Assert.Equal(1, dataset["document_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_markdown_file_is_created_and_updated_by_multipart_upload()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Files");
        const string Markdown = "# Tea\nGreen tea is steamed or pan-fired soon after picking, which stops oxidation.\n\n# Coffee\nEspresso forces hot water through finely ground coffee at high pressure.";

        var data = new JsonObject { ["indexing_technique"] = "high_quality", ["doc_form"] = "text_model", ["process_rule"] = ParagraphRule() };
        var created = await client.PostFileAsync($"datasets/{datasetId}/document/create-by-file", "drinks.md", Markdown, data);
        var document = created["document"]!;
        DatasetClient.AssertKeys(document, DocumentFields);
        Assert.Equal("drinks.md", document["name"]!.GetValue<string>());
        var upload = document["data_source_detail_dict"]!["upload_file"]!;
        Assert.Equal(("drinks.md", "md", (long)System.Text.Encoding.UTF8.GetByteCount(Markdown)), (upload["name"]!.GetValue<string>(),
            upload["extension"]!.GetValue<string>(), upload["size"]!.GetValue<long>()));
        Assert.Equal(upload["id"]!.GetValue<string>(), document["data_source_info"]!["upload_file_id"]!.GetValue<string>());
        var documentId = document["id"]!.GetValue<string>();
        await client.WaitIndexedAsync(datasetId, created["batch"]!.GetValue<string>());
        Assert.Contains("Espresso", (await client.RetrieveAsync(datasetId, "espresso pressure coffee"))[0]!["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);

        var updated = await client.PostFileAsync($"datasets/{datasetId}/documents/{documentId}/update-by-file", "drinks-v2.md", "# Cocoa\nCocoa beans are fermented, dried and roasted before grinding.", null);
        Assert.Equal((documentId, "drinks-v2.md"), (updated["document"]!["id"]!.GetValue<string>(), updated["document"]!["name"]!.GetValue<string>()));
        await client.WaitIndexedAsync(datasetId, updated["batch"]!.GetValue<string>());
        var records = await client.RetrieveAsync(datasetId, "cocoa beans espresso coffee", new JsonObject { ["top_k"] = 10 });
        Assert.All(records, r => Assert.DoesNotContain("Espresso", r!["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Contains(records, r => r!["segment"]!["content"]!.GetValue<string>().Contains("Cocoa beans", StringComparison.Ordinal));

        Assert.Equal("unsupported_file_type", (await client.PostFileAsync($"datasets/{datasetId}/document/create-by-file", "deck.pptx", "PK", data, 415))["code"]!.GetValue<string>());
        Assert.Equal("no_file_uploaded", (await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/document/create-by-file", new JsonObject(), 400))["code"]!.GetValue<string>());
        Assert.Equal("not_found", (await client.PostFileAsync($"datasets/{Guid.NewGuid()}/document/create-by-file", "a.md", "x", data, 404))["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hierarchical_documents_return_the_parent_with_its_matching_child_chunks()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Parents");
        var rule = new JsonObject
        {
            ["mode"] = "hierarchical",
            ["rules"] = new JsonObject
            {
                ["pre_processing_rules"] = new JsonArray(),
                ["segmentation"] = new JsonObject { ["separator"] = "\\n\\n", ["max_tokens"] = 500 },
                ["parent_mode"] = "paragraph",
                ["subchunk_segmentation"] = new JsonObject { ["separator"] = ". ", ["max_tokens"] = 60 },
            },
        };
        var created = await client.JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/document/create-by-text", new JsonObject
        {
            ["name"] = "parents", ["text"] = "Owls hunt at night. Their feathers are silent. They eat mice.\n\nBees make honey. They dance to share directions.",
            ["doc_form"] = "hierarchical_model", ["process_rule"] = rule,
        });
        Assert.Equal("hierarchical_model", created["document"]!["doc_form"]!.GetValue<string>());
        await client.WaitIndexedAsync(datasetId, created["batch"]!.GetValue<string>());

        var record = (await client.RetrieveAsync(datasetId, "silent feathers"))[0]!;
        Assert.StartsWith("Owls hunt at night.", record["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var child = record["child_chunks"]!.AsArray()[0]!;
        DatasetClient.AssertKeys(child, "id", "content", "position", "score");
        Assert.Contains("feathers", child["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var segments = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{created["document"]!["id"]}/segments"))["data"]!.AsArray();
        Assert.Equal(2, segments.Count);
        DatasetClient.AssertKeys(segments[0]!["child_chunks"]![0], "id", "segment_id", "content", "position", "word_count", "type", "created_at", "updated_at");
    }

    [Fact]
    public async Task Economy_datasets_are_searched_by_keywords_only()
    {
        await using var api = await ApiHost.StartAsync();
        var client = await DatasetClient.CreateAsync(api);
        var datasetId = await client.CreateDatasetAsync("Cheap", "economy");
        await client.AddTextAsync(datasetId, "science", Text, ParagraphRule());
        var dataset = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}");
        Assert.Equal("economy", dataset["indexing_technique"]!.GetValue<string>());
        Assert.Null(dataset["embedding_model"]);
        // semantic_search asked for, keyword search done: only chunks sharing a word come back.
        var records = await client.RetrieveAsync(datasetId, "sourdough yeast", new JsonObject { ["search_method"] = "semantic_search", ["top_k"] = 5 });
        Assert.Equal(Sourdough, Assert.Single(records)!["segment"]!["content"]!.GetValue<string>());
    }
}
