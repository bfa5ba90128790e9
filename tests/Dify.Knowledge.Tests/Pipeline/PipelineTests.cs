using System.Text;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Dify.Models.Embeddings;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Knowledge;

namespace Dify.Knowledge.Tests.Pipeline;

public sealed class PipelineTests
{
    private static string Lines(string prefix, int count) => string.Join('\n', Enumerable.Range(1, count).Select(i => $"{prefix} line number {i} talks about topic {i * 7 % 13}."));

    [Fact]
    public async Task Ingesting_the_same_document_twice_embeds_each_distinct_chunk_once()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server), new IngestionOptions { EmbeddingBatchSize = 8, IndexBatchSize = 16 });
        await k.CreateDatasetAsync("ds");
        var text = Lines("alpha", 40) + "\nrepeated line\nrepeated line\nrepeated line";

        var first = await k.IngestTextAsync("ds", "doc", text);
        Assert.Equal(DocumentStatus.Completed, first.Status);
        Assert.Equal(43, first.TotalSegments);
        Assert.Equal(43, first.CompletedSegments);
        var inputs = server.EmbeddingRequests.SelectMany(r => r.Inputs).ToList();
        Assert.Equal(41, inputs.Count); // 40 lines + "repeated line" once
        Assert.Equal(inputs.Count, inputs.Distinct().Count());

        var requests = server.EmbeddingRequestCount;
        var second = await k.IngestTextAsync("ds", "doc", text);
        Assert.Equal(DocumentStatus.Completed, second.Status);
        Assert.Equal(requests, server.EmbeddingRequestCount);

        // Another document with overlapping content reuses the stored vectors too.
        await k.IngestTextAsync("ds", "copy", Lines("alpha", 10) + "\nbrand new line");
        Assert.Equal(["brand new line"], server.EmbeddingRequests.Skip(requests).SelectMany(r => r.Inputs));
    }

    [Fact]
    public async Task A_changed_document_replaces_its_chunks_and_deleting_removes_them()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server));
        await k.CreateDatasetAsync("ds");
        await k.IngestTextAsync("ds", "doc", "The launch code is pineapple.\nShared line stays.");
        Assert.Single(await SearchAsync(k, "pineapple"));
        var before = server.EmbeddingRequests.SelectMany(r => r.Inputs).Count();

        var updated = await k.IngestTextAsync("ds", "doc", "The launch code is mango.\nShared line stays.");
        Assert.Equal(DocumentStatus.Completed, updated.Status);
        Assert.Empty(await SearchAsync(k, "pineapple"));
        Assert.Equal("The launch code is mango.", Assert.Single(await SearchAsync(k, "mango")).Content);
        Assert.Equal(before + 1, server.EmbeddingRequests.SelectMany(r => r.Inputs).Count()); // only the changed line

        Assert.True(await k.Ingestor.DeleteDocumentAsync("ds", "doc", default));
        Assert.Empty(await SearchAsync(k, "mango"));
        Assert.Empty(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "launch code", 4, SearchMethod.Semantic), default));
        Assert.Null(await k.Ingestor.Documents.GetAsync("ds", "doc", default));
        Assert.Empty(await k.Index.GetDatasetsAsync(["ds"], default));
        Assert.False(await k.Ingestor.DeleteDocumentAsync("ds", "doc", default));
    }

    [Fact]
    public async Task A_crash_while_indexing_resumes_without_embedding_anything_twice()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        using var folder = new TempDirectory("dify-knowledge");
        using var crash = new CancellationTokenSource();
        var embeddings = new CrashAfter(KnowledgeHarnessEmbeddings(server), calls: 2, crash);
        var options = new IngestionOptions { EmbeddingBatchSize = 5, IndexBatchSize = 5 };
        var text = Lines("beta", 23);

        await using (var k = await KnowledgeHarness.StartAsync(embeddings, options, folder))
        {
            await k.CreateDatasetAsync("ds");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => k.IngestTextAsync("ds", "doc", text, ct: crash.Token));
            var stopped = await k.Ingestor.Documents.GetAsync("ds", "doc", default);
            Assert.Equal(DocumentStatus.Indexing, stopped!.Status);
            Assert.Equal(23, stopped.TotalSegments);
            Assert.Equal(9, stopped.CompletedSegments); // two batches of 5 committed, the 10th segment's batch was not
            Assert.Empty(await k.Index.GetDatasetsAsync(["ds"], default)); // not searchable until completed
        }

        // "Restart": a new process opens the file and resumes what was left, without the source.
        await using (var k = await KnowledgeHarness.StartAsync(KnowledgeHarnessEmbeddings(server), options, folder))
        {
            Assert.Equal(1, await k.Ingestor.ResumePendingAsync(default));
            var done = await k.Ingestor.Documents.GetAsync("ds", "doc", default);
            Assert.Equal(DocumentStatus.Completed, done!.Status);
            Assert.Equal(23, done.CompletedSegments);
            var inputs = server.EmbeddingRequests.SelectMany(r => r.Inputs).ToList();
            Assert.Equal(23, inputs.Count);
            Assert.Equal(23, inputs.Distinct().Count());
            Assert.Equal(23, (await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "beta line number", 50, SearchMethod.FullText), default)).Count);
        }
    }

    [Fact]
    public async Task Single_pass_ingestion_stores_batches_indexed_and_a_crash_reuses_every_stored_vector()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        using var folder = new TempDirectory("dify-knowledge");
        using var crash = new CancellationTokenSource();
        var embeddings = new CrashAfter(KnowledgeHarnessEmbeddings(server), calls: 2, crash);
        // Embedding while splitting, five segments a batch: batches overlap (one embeds while the one before is written).
        var options = new IngestionOptions { EmbedWhileSplitting = true, SplitBatchSize = 5, EmbeddingBatchSize = 5 };
        var text = Lines("delta", 23);

        await using (var k = await KnowledgeHarness.StartAsync(embeddings, options, folder))
        {
            await k.CreateDatasetAsync("ds");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => k.IngestTextAsync("ds", "doc", text, ct: crash.Token));
            Assert.NotEqual(DocumentStatus.Completed, (await k.Ingestor.Documents.GetAsync("ds", "doc", default))!.Status);
            Assert.Empty(await k.Index.GetDatasetsAsync(["ds"], default));
        }

        // A new process ingests the same source again: the two batches embedded before the crash are not embedded again.
        await using (var k = await KnowledgeHarness.StartAsync(KnowledgeHarnessEmbeddings(server), options, folder))
        {
            var done = await k.IngestTextAsync("ds", "doc", text);
            Assert.Equal(DocumentStatus.Completed, done.Status);
            Assert.Equal(23, done.TotalSegments);
            Assert.Equal(23, done.CompletedSegments);
            var inputs = server.EmbeddingRequests.SelectMany(r => r.Inputs).ToList();
            Assert.Equal(23, inputs.Count);
            Assert.Equal(23, inputs.Distinct().Count());
            // Rows were written in document order and all indexed, each with its vector.
            var segments = await k.Ingestor.Segments.ListAsync("ds", "doc", default);
            Assert.Equal(Enumerable.Range(1, 23), segments.Select(x => x.Position));
            Assert.All(segments, x => Assert.True(x.Indexed));
            Assert.Equal(23, (await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], "delta line number", 50, SearchMethod.FullText), default)).Count);
            var best = Assert.Single(await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], text.Split('\n')[16], 1, SearchMethod.Semantic), default));
            Assert.Equal(text.Split('\n')[16], best.Content);
            // Same source again: nothing to do, nothing embedded (the query above was the only input since).
            await k.IngestTextAsync("ds", "doc", text);
            Assert.Equal(24, server.EmbeddingRequests.SelectMany(r => r.Inputs).Count());
        }
    }

    [Fact]
    public async Task Re_running_an_interrupted_ingestion_continues_it()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        using var crash = new CancellationTokenSource();
        var embeddings = new CrashAfter(KnowledgeHarnessEmbeddings(server), calls: 1, crash);
        await using var k = await KnowledgeHarness.StartAsync(embeddings, new IngestionOptions { EmbeddingBatchSize = 4, IndexBatchSize = 4 });
        await k.CreateDatasetAsync("ds");
        var text = Lines("gamma", 10);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => k.IngestTextAsync("ds", "doc", text, ct: crash.Token));

        var done = await k.IngestTextAsync("ds", "doc", text);
        Assert.Equal(DocumentStatus.Completed, done.Status);
        var inputs = server.EmbeddingRequests.SelectMany(r => r.Inputs).ToList();
        Assert.Equal(10, inputs.Count);
        Assert.Equal(10, inputs.Distinct().Count());
    }

    [Fact]
    public async Task Statuses_move_through_difys_steps_and_errors_carry_the_reason()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var seen = new List<DocumentRecord?>();
        KnowledgeHarness? harness = null;
        var embeddings = new OnCall(KnowledgeHarnessEmbeddings(server), async () => seen.Add(await harness!.Ingestor.Documents.GetAsync("ds", "doc", default)));
        await using var k = harness = await KnowledgeHarness.StartAsync(embeddings);
        await k.CreateDatasetAsync("ds");

        var done = await k.IngestTextAsync("ds", "doc", Lines("delta", 3));
        var during = Assert.Single(seen)!;
        Assert.Equal(DocumentStatus.Indexing, during.Status);
        Assert.NotNull(during.ProcessingStartedAt);
        Assert.NotNull(during.ParsingCompletedAt);
        Assert.NotNull(during.CleaningCompletedAt);
        Assert.NotNull(during.SplittingCompletedAt);
        Assert.Null(during.CompletedAt);
        Assert.Equal(DocumentStatus.Completed, done.Status);
        Assert.NotNull(done.CompletedAt);
        Assert.Equal(64, done.SourceHash!.Length);

        var pdf = await k.Ingestor.IngestAsync("ds", "scan", "scan.pdf", new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.7")), ProcessRule.Automatic, default);
        Assert.Equal(DocumentStatus.Error, pdf.Status);
        Assert.Contains("'scan.pdf'", pdf.Error); // not a PDF (or PDF not enabled): either way the reason names the file

        server.EmbeddingResponder = _ => EmbeddingReply.Error(400, "model not found");
        var failed = await k.IngestTextAsync("ds", "other", "some new text");
        Assert.Equal(DocumentStatus.Error, failed.Status);
        Assert.Contains("model not found", failed.Error);

        await Assert.ThrowsAsync<ArgumentException>(() => k.IngestTextAsync("missing", "doc", "text"));
        await Assert.ThrowsAsync<ArgumentException>(() => k.IngestTextAsync("ds", "doc", "text", ProcessRule.Custom("\\n", 10)));
    }

    [Fact]
    public async Task Rate_limited_embedding_calls_back_off_and_retry()
    {
        await using var server = await OpenAiCompatibleServer.StartAsync();
        var calls = 0;
        server.EmbeddingResponder = _ => Interlocked.Increment(ref calls) <= 2 ? EmbeddingReply.Error(429, "slow down") : null!;
        await using var k = await KnowledgeHarness.StartAsync(KnowledgeHarness.ServerEmbeddings(server), new IngestionOptions { RateLimitBaseDelay = TimeSpan.FromMilliseconds(20) });
        await k.CreateDatasetAsync("ds");
        var done = await k.IngestTextAsync("ds", "doc", Lines("epsilon", 5));
        Assert.Equal(DocumentStatus.Completed, done.Status);
        Assert.Equal(3, server.EmbeddingRequestCount);
    }

    private static async Task<IReadOnlyList<RetrievedChunk>> SearchAsync(KnowledgeHarness k, string query) =>
        await k.Index.RetrieveAsync(new KnowledgeQuery(["ds"], query, 4, SearchMethod.FullText), default);

    private static IEmbeddingModel KnowledgeHarnessEmbeddings(OpenAiCompatibleServer server) => KnowledgeHarness.ServerEmbeddings(server);

    /// <summary>Lets <paramref name="calls"/> embedding calls through, then "crashes": cancels the run as the next call starts.</summary>
    private sealed class CrashAfter(IEmbeddingModel inner, int calls, CancellationTokenSource crash) : IEmbeddingModel
    {
        private int _calls;

        public Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) > calls)
            {
                crash.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }
            return inner.EmbedAsync(provider, model, inputs, cancellationToken);
        }
    }

    /// <summary>Runs a probe before each embedding call (to observe the document mid-indexing).</summary>
    private sealed class OnCall(IEmbeddingModel inner, Func<Task> probe) : IEmbeddingModel
    {
        public async Task<EmbeddingResult> EmbedAsync(string provider, string model, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
        {
            await probe();
            return await inner.EmbedAsync(provider, model, inputs, cancellationToken);
        }
    }
}
