using System.Text;
using Dify.Api.Tests.Http;
using Dify.Testing;

namespace Dify.Api.Tests.Datasets;

public sealed class DatasetRestartTests
{
    [Fact]
    public async Task Documents_queued_or_cut_off_by_a_shutdown_are_ingested_on_the_next_start()
    {
        using var data = new TempDirectory("dify-datasets-restart");
        // The first host accepts documents but ingests none (ingestion paused): they are all still queued when it stops.
        var paused = new Dictionary<string, string?> { ["Datasets:MaxConcurrentIngestions"] = "0" };
        string key, datasetId;
        var batches = new List<string>();
        await using (var api = await ApiHost.StartAsync(paused, data.Path))
        {
            var client = await DatasetClient.CreateAsync(api);
            key = client.Key;
            datasetId = await client.CreateDatasetAsync("Survives restarts");
            var big = new StringBuilder();
            for (var i = 0; i < 2000; i++) big.Append("Paragraph ").Append(i).Append(" talks about lighthouse keepers and foghorns.\n\n");
            for (var i = 0; i < 4; i++)
            {
                var text = i == 3 ? "Glaciers carve fjords as they slowly slide toward the sea." : $"Copy {i}. {big}";
                batches.Add((await client.CreateByTextAsync(datasetId, $"doc {i}", text))["batch"]!.GetValue<string>());
            }
            await Task.Delay(200);
            foreach (var batch in batches)
                Assert.Equal("waiting", (await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{batch}/indexing-status"))["data"]![0]!["indexing_status"]!.GetValue<string>());
        }

        await using (var api = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Datasets:MaxConcurrentIngestions"] = "1" }, data.Path))
        {
            var client = new DatasetClient(api, key);
            foreach (var batch in batches)
                Assert.Equal("completed", (await client.WaitIndexedAsync(datasetId, batch))["data"]![0]!["indexing_status"]!.GetValue<string>());
            var documents = await client.JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents");
            Assert.Equal(4, documents["total"]!.GetValue<int>());
            Assert.All(documents["data"]!.AsArray(), d => Assert.Equal("available", d!["display_status"]!.GetValue<string>()));
            Assert.Contains("fjords", (await client.RetrieveAsync(datasetId, "glaciers fjords"))[0]!["segment"]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
            // Sources are removed once ingested.
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(data.Path, "knowledge-sources"), "*", SearchOption.AllDirectories));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
