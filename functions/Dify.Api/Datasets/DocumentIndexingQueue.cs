using System.Threading.Channels;
using Dify.Knowledge.Pipeline;
using Dify.Knowledge.Splitting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Api.Datasets;

/// <summary>
/// Ingests documents in the background, at most <see cref="DatasetApiOptions.MaxConcurrentIngestions"/> at once, from
/// their saved sources. At start it queues every document that was waiting or cut off before splitting (documents cut
/// off while indexing are resumed by the ingestor itself). A newer submission for a document, or its deletion,
/// cancels the older one first.
/// </summary>
public sealed partial class DocumentIndexingQueue(
    DatasetApiBackend backend, DocumentSources sources, IOptions<DatasetApiOptions> options, ILogger<DocumentIndexingQueue> logger) : BackgroundService
{
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string), long> _pending = [];
    private readonly Dictionary<(string, string), Running> _running = [];
    private long _version;

    /// <summary>Queues the document (its source saved, its record registered as waiting).</summary>
    public void Enqueue(string datasetId, string documentId)
    {
        long version;
        lock (_lock)
        {
            version = ++_version;
            _pending[(datasetId, documentId)] = version;
        }
        _jobs.Writer.TryWrite(new Job(datasetId, documentId, version));
    }

    /// <summary>Drops the queued ingestion of a document (or of every document of the dataset, <paramref name="documentId"/> null) and waits for a running one to stop.</summary>
    public async Task CancelAsync(string datasetId, string? documentId)
    {
        var waits = new List<Task>();
        lock (_lock)
        {
            foreach (var key in _pending.Keys.Where(k => Matches(k, datasetId, documentId)).ToList()) _pending.Remove(key);
            foreach (var (key, running) in _running)
            {
                if (!Matches(key, datasetId, documentId)) continue;
                running.Cancellation.Cancel();
                waits.Add(running.Done);
            }
        }
        await Task.WhenAll(waits);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RequeueUnfinishedAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRequeueFailed(logger, e);
        }
        var workers = Enumerable.Range(0, Math.Max(0, options.Value.MaxConcurrentIngestions)).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task RequeueUnfinishedAsync(CancellationToken ct)
    {
        var ingestor = backend.Ingestor;
        foreach (var dataset in await ingestor.Datasets.ListAsync(ct))
            foreach (var document in await ingestor.Documents.ListAsync(dataset.Id, ct))
            {
                var unfinished = document.Status is DocumentStatus.Waiting or DocumentStatus.Parsing or DocumentStatus.Cleaning or DocumentStatus.Splitting
                                 || document is { Status: DocumentStatus.Indexing, SplittingCompletedAt: null };
                if (unfinished && sources.Exists(dataset.Id, document.Id)) Enqueue(dataset.Id, document.Id);
            }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
            {
                var key = (job.DatasetId, job.DocumentId);
                CancellationTokenSource cancellation;
                TaskCompletionSource done;
                lock (_lock)
                {
                    if (!_pending.TryGetValue(key, out var latest) || latest != job.Version) continue;
                    _pending.Remove(key);
                    cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _running[key] = new Running(cancellation, done.Task);
                }
                try
                {
                    await IngestAsync(job, cancellation.Token);
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    // Replaced, deleted, or the host is stopping (the source stays: the next start ingests it again).
                }
                catch (Exception e)
                {
                    LogIngestFailed(logger, e, job.DatasetId, job.DocumentId);
                }
                finally
                {
                    lock (_lock) _running.Remove(key);
                    cancellation.Dispose();
                    done.SetResult();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task IngestAsync(Job job, CancellationToken ct)
    {
        var ingestor = backend.Ingestor;
        var document = await ingestor.Documents.GetAsync(job.DatasetId, job.DocumentId, ct);
        if (document is null || !sources.Exists(job.DatasetId, job.DocumentId)) return;
        var attributes = await ingestor.Attributes.GetAsync(job.DatasetId, job.DocumentId, ct);
        var sourceName = attributes?["source_name"]?.GetValue<string>() ?? document.Name;
        var rule = ProcessRuleJson.Parse(document.ProcessRule);
        DocumentRecord result;
        await using (var source = sources.Open(job.DatasetId, job.DocumentId))
            result = await ingestor.IngestAsync(job.DatasetId, job.DocumentId, document.Name, source, rule, ct, document.Metadata, sourceName);
        if (result.Status is DocumentStatus.Completed or DocumentStatus.Error) sources.Delete(job.DatasetId, job.DocumentId);
    }

    private static bool Matches((string Dataset, string Document) key, string datasetId, string? documentId) =>
        key.Dataset == datasetId && (documentId is null || key.Document == documentId);

    private sealed record Job(string DatasetId, string DocumentId, long Version);

    private sealed record Running(CancellationTokenSource Cancellation, Task Done);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingesting document {DocumentId} of dataset {DatasetId} failed")]
    private static partial void LogIngestFailed(ILogger logger, Exception exception, string datasetId, string documentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not queue the unfinished documents at start")]
    private static partial void LogRequeueFailed(ILogger logger, Exception exception);
}
