using System.Diagnostics;
using Dify.Knowledge.Embedding;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Triggers;
using Dify.Testing;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Tests.Triggers;

public sealed class FolderWatcherTests
{
    [Fact]
    public async Task A_file_landing_in_a_dataset_folder_is_searchable_within_two_seconds_and_deleting_it_removes_it()
    {
        using var root = new TempDirectory("dify-watch");
        await using var k = await KnowledgeHarness.StartAsync(new HashingEmbeddingModel());
        await using var watcher = new FolderWatcher(k.Ingestor, new FolderWatcherOptions { Root = root.Path, ScanInterval = TimeSpan.FromMinutes(10) });
        await watcher.StartAsync(default);

        var folder = Path.Combine(watcher.DocumentsFolder, "handbook", "hr");
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(folder, "leave.md"), "Employees receive 25 days of annual leave.\n\nUnused days carry over until March.");

        var document = await WaitForAsync(async () => await k.Ingestor.Documents.GetAsync("handbook", "hr/leave.md", default) is { Status: DocumentStatus.Completed } d ? d : null);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"ingested after {clock.Elapsed}");
        Assert.Equal("leave.md", document.Name);
        var hit = Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["handbook"], "annual leave days", 1, SearchMethod.Hybrid), default));
        Assert.Equal("hr/leave.md", hit.DocumentId);

        File.Delete(Path.Combine(folder, "leave.md"));
        await WaitForAsync(async () => await k.Ingestor.Documents.GetAsync("handbook", "hr/leave.md", default) is null ? "gone" : null);
        Assert.Empty(await k.Index.RetrieveAsync(new KnowledgeQuery(["handbook"], "annual leave days", 1, SearchMethod.Hybrid), default));
    }

    [Fact]
    public async Task The_scan_picks_up_files_that_arrived_while_nothing_watched()
    {
        using var root = new TempDirectory("dify-watch");
        Directory.CreateDirectory(Path.Combine(root.Path, "documents", "faq"));
        await File.WriteAllTextAsync(Path.Combine(root.Path, "documents", "faq", "wifi.txt"), "The guest wifi password changes every Monday.");
        await using var k = await KnowledgeHarness.StartAsync(new HashingEmbeddingModel());
        await using var watcher = new FolderWatcher(k.Ingestor, new FolderWatcherOptions { Root = root.Path });
        await watcher.StartAsync(default);
        var document = await WaitForAsync(async () => await k.Ingestor.Documents.GetAsync("faq", "wifi.txt", default) is { Status: DocumentStatus.Completed } d ? d : null);
        Assert.Equal(1, document.TotalSegments);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The watcher did not act within 10 s.");
            await Task.Delay(25);
        }
    }
}
