using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;
using Dify.Testing;
using Microsoft.Data.Sqlite;

namespace Dify.Api.Tests.Datasets;

/// <summary>
/// Dify's ChildChunk.type over a real host and knowledge file: "automatic" for the splitter's children, "customized"
/// once added or edited through the API, kept across a restart; a file written before the column reads as automatic.
/// </summary>
public sealed class ChildChunkTypeTests
{
    [Fact]
    public async Task Children_are_automatic_until_a_user_adds_or_edits_them()
    {
        using var data = new TempDirectory("dify-child-type");
        string key, path;
        await using (var api = await ApiHost.StartAsync(null, data.Path))
        {
            var client = await DatasetClient.CreateAsync(api);
            key = client.Key;
            path = await HierarchicalSegmentPathAsync(client);
            Assert.Equal(["automatic", "automatic", "automatic"], await TypesAsync(client, path));

            var added = (await client.JsonAsync(HttpMethod.Post, path, new JsonObject { ["content"] = "Barn owls swallow voles whole." }))["data"]!;
            Assert.Equal("customized", added["type"]!.GetValue<string>());
            var secondId = (await client.JsonAsync(HttpMethod.Get, path))["data"]![1]!["id"]!.GetValue<string>();
            var edited = (await client.JsonAsync(HttpMethod.Patch, $"{path}/{secondId}", new JsonObject { ["content"] = "Their feathers are very quiet." }))["data"]!;
            Assert.Equal("customized", edited["type"]!.GetValue<string>());
            Assert.Equal(["automatic", "customized", "automatic", "customized"], await TypesAsync(client, path));
        }

        await using (var api = await ApiHost.StartAsync(null, data.Path))
        {
            // Stored, not derived: the restarted host reports the same types.
            Assert.Equal(["automatic", "customized", "automatic", "customized"], await TypesAsync(new DatasetClient(api, key), path));
        }

        // A knowledge file from before the column: opening it adds the column in place, every child reads as the splitter's.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(data.Path, "knowledge.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var drop = connection.CreateCommand();
            drop.CommandText = "ALTER TABLE chunks DROP COLUMN child_type";
            await drop.ExecuteNonQueryAsync();
        }
        await using (var api = await ApiHost.StartAsync(null, data.Path))
        {
            var client = new DatasetClient(api, key);
            Assert.Equal(["automatic", "automatic", "automatic", "automatic"], await TypesAsync(client, path));
            var firstId = (await client.JsonAsync(HttpMethod.Get, path))["data"]![0]!["id"]!.GetValue<string>();
            await client.JsonAsync(HttpMethod.Patch, $"{path}/{firstId}", new JsonObject { ["content"] = "Owls hunt after dark." });
            Assert.Equal(["customized", "automatic", "automatic", "automatic"], await TypesAsync(client, path));
        }
        SqliteConnection.ClearAllPools();
    }

    private static async Task<string> HierarchicalSegmentPathAsync(DatasetClient client)
    {
        var datasetId = await client.CreateDatasetAsync("Typed children");
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
            ["name"] = "owls", ["text"] = "Owls hunt at night. Their feathers are silent. They eat mice.",
            ["doc_form"] = "hierarchical_model", ["process_rule"] = rule,
        });
        await client.WaitIndexedAsync(datasetId, created["batch"]!.GetValue<string>());
        var documentId = created["document"]!["id"]!.GetValue<string>();
        var segmentId = (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{documentId}/segments"))["data"]![0]!["id"]!.GetValue<string>();
        return $"datasets/{datasetId}/documents/{documentId}/segments/{segmentId}/child_chunks";
    }

    private static async Task<string[]> TypesAsync(DatasetClient client, string path) =>
        [.. (await client.JsonAsync(HttpMethod.Get, path))["data"]!.AsArray().Select(c => c!["type"]!.GetValue<string>())];
}
