using Microsoft.Extensions.Logging;

namespace Dify.Edge.Events;

/// <summary>
/// The sink without a hub: each event is one fsync'd file under <c>{data}/outbox</c> (written atomically), kept until
/// something collects it. Bounded: past <c>maxEvents</c> the oldest file is dropped and counted.
/// </summary>
public sealed class SpoolEventSink(string dataDirectory, int maxEvents, ILogger<SpoolEventSink> logger) : IEventSink
{
    private readonly string directory = Path.Combine(dataDirectory, "outbox");
    private readonly SemaphoreSlim gate = new(1, 1);
    private long dropped;

    public string Directory => directory;

    public EventSinkStatus Status => new(Count(), Interlocked.Read(ref dropped), false, 0);

    public async Task PublishAsync(TemplateEvent templateEvent, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Names sort by time: the event id is a GUID v7 (run ids are time-ordered).
            await Templates.AtomicFile.WriteAsync(Path.Combine(directory, templateEvent.EventId.ToString("N") + ".json"), templateEvent.ToUtf8Json(), cancellationToken).ConfigureAwait(false);
            var files = System.IO.Directory.GetFiles(directory, "*.json");
            if (files.Length > maxEvents)
            {
                Array.Sort(files, StringComparer.Ordinal);
                foreach (var file in files.Take(files.Length - maxEvents))
                {
                    File.Delete(file);
                    Interlocked.Increment(ref dropped);
                }

                logger.LogWarning("Outbox over {MaxEvents} events: dropped the oldest ({Dropped} so far)", maxEvents, Interlocked.Read(ref dropped));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult((long)Count());

    private int Count() => System.IO.Directory.Exists(directory) ? System.IO.Directory.GetFiles(directory, "*.json").Length : 0;
}
