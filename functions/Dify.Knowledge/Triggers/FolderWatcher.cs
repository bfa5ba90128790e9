using System.Collections.Concurrent;
using System.Threading.Channels;
using Dify.Knowledge.Datasets;
using Dify.Knowledge.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Knowledge.Triggers;

/// <summary>
/// Watches <c>{root}/documents/{dataset_id}/{path}</c>: a file that appears or changes is ingested (document id = its
/// path under the dataset folder, with '/'), a file that disappears is removed from the dataset. FileSystemWatcher
/// events are debounced; a periodic full scan catches anything the events missed, and at start it reconciles what
/// changed while nothing was watching. The folder is the source of truth for the datasets it holds: a document of a
/// watched dataset with no file is deleted. Files are processed one at a time; failures are logged and retried on the next scan.
/// </summary>
public sealed class FolderWatcher : IAsyncDisposable
{
    private readonly KnowledgeIngestor _ingestor;
    private readonly FolderWatcherOptions _options;
    private readonly ILogger _logger;
    private readonly string _documents;
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, DateTime> _due = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (long Length, DateTime Modified)> _seen = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private FileSystemWatcher? _watcher;
    private Task? _worker;
    private Task? _scanner;

    public FolderWatcher(KnowledgeIngestor ingestor, FolderWatcherOptions options, ILogger<FolderWatcher>? logger = null)
    {
        _ingestor = ingestor ?? throw new ArgumentNullException(nameof(ingestor));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _documents = Path.GetFullPath(Path.Combine(options.Root, "documents"));
    }

    /// <summary>The folder watched: <c>{root}/documents</c>.</summary>
    public string DocumentsFolder => _documents;

    /// <summary>Starts watching and queues a full reconciliation; returns at once.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_documents);
        _watcher = new FileSystemWatcher(_documents)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        _watcher.Created += (_, e) => Touch(e.FullPath);
        _watcher.Changed += (_, e) => Touch(e.FullPath);
        _watcher.Deleted += (_, e) => Touch(e.FullPath);
        _watcher.Renamed += (_, e) =>
        {
            Touch(e.OldFullPath);
            Touch(e.FullPath);
        };
        _watcher.Error += (_, _) => _ = ScanAsync(_stop.Token); // buffer overflow: fall back to a scan
        _watcher.EnableRaisingEvents = true;
        _worker = Task.Run(() => WorkAsync(_stop.Token), CancellationToken.None);
        _scanner = Task.Run(() => ScanLoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Queues every file that is new or changed since last seen, and every document whose file is gone.</summary>
    public async Task ScanAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_documents)) return;
        var onDisk = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_documents, "*", SearchOption.AllDirectories))
        {
            onDisk.Add(file);
            var info = new FileInfo(file);
            if (!_seen.TryGetValue(file, out var seen) || seen != (info.Length, info.LastWriteTimeUtc)) Touch(file);
        }
        foreach (var datasetFolder in Directory.EnumerateDirectories(_documents))
        {
            var datasetId = Path.GetFileName(datasetFolder);
            foreach (var document in await _ingestor.Documents.ListAsync(datasetId, cancellationToken).ConfigureAwait(false))
            {
                var path = Path.Combine(datasetFolder, document.Id.Replace('/', Path.DirectorySeparatorChar));
                if (!onDisk.Contains(path)) Touch(path);
            }
        }
    }

    private void Touch(string fullPath)
    {
        if (Directory.Exists(fullPath))
        {
            // A folder moved in or created: its files produce no events of their own.
            foreach (var file in Directory.EnumerateFiles(fullPath, "*", SearchOption.AllDirectories)) Touch(file);
            return;
        }
        _due[fullPath] = DateTime.UtcNow + _options.Debounce;
        _queue.Writer.TryWrite(fullPath);
    }

    private async Task ScanLoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await ScanAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    KnowledgeLog.WatcherFailed(_logger, e, _documents);
                }
                await Task.Delay(_options.ScanInterval, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var path in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (!_due.TryGetValue(path, out var due)) continue; // already handled by an earlier queue entry
                var wait = due - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
                if (_due.TryGetValue(path, out var latest) && latest > due)
                {
                    _queue.Writer.TryWrite(path); // touched again meanwhile: wait for the quiet time again
                    continue;
                }
                _due.TryRemove(path, out _);
                try
                {
                    await ProcessAsync(path, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    KnowledgeLog.WatcherFailed(_logger, e, path);
                    _seen.TryRemove(path, out _); // the next scan tries again
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ProcessAsync(string fullPath, CancellationToken ct)
    {
        var relative = Path.GetRelativePath(_documents, fullPath).Replace(Path.DirectorySeparatorChar, '/');
        var slash = relative.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || relative.StartsWith("..", StringComparison.Ordinal)) return; // a file directly under documents/ belongs to no dataset
        var datasetId = relative[..slash];
        var documentId = relative[(slash + 1)..];

        if (!File.Exists(fullPath))
        {
            _seen.TryRemove(fullPath, out _);
            await _ingestor.DeleteDocumentAsync(datasetId, documentId, ct).ConfigureAwait(false);
            return;
        }

        if (await _ingestor.Datasets.GetAsync(datasetId, ct).ConfigureAwait(false) is null)
        {
            if (!_options.CreateMissingDatasets) return;
            await _ingestor.Datasets.SaveAsync(new DatasetRecord(datasetId, datasetId), ct).ConfigureAwait(false);
        }
        var info = new FileInfo(fullPath);
        await using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true))
        {
            await _ingestor.IngestAsync(datasetId, documentId, info.Name, stream, _options.ProcessRule, ct).ConfigureAwait(false);
        }
        _seen[fullPath] = (info.Length, info.LastWriteTimeUtc);
    }

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null)
        {
            _watcher.EnableRaisingEvents = false;
            _watcher.Dispose();
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        foreach (var task in new[] { _worker, _scanner })
        {
            if (task is null) continue;
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
