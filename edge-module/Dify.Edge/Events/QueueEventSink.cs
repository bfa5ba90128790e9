using Dify.Edge.Hub;
using Dify.Edge.Link.Queue;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Events;

/// <summary>
/// The sink with a hub: each event is committed (fsync'd) to the link's <see cref="OfflineQueue"/> before
/// <see cref="PublishAsync"/> returns, so the runner drops its pending record only once the event is durable; the
/// <see cref="Link.Hub.HubLink"/> drains the queue as telemetry (event id as <c>$.mid</c> and <c>event-id</c>, the template id
/// as <c>event-source</c>). Bounded by the queue's drop-oldest policy (dropped events are counted).
/// </summary>
public sealed class QueueEventSink(HubConnection hub, ILogger<QueueEventSink> logger) : IEventSink
{
    /// <summary>Application properties on each event's telemetry message.</summary>
    public const string TemplateVersionProperty = "template-version";

    public const string RunStatusProperty = "run-status";

    private OfflineQueue Queue => hub.Queue;

    public EventSinkStatus Status => new(Queue.Count, Queue.DroppedCount, hub.IsConnected, hub.Delivered);

    public async Task PublishAsync(TemplateEvent templateEvent, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [TemplateVersionProperty] = templateEvent.TemplateVersion,
            [RunStatusProperty] = templateEvent.Status,
        };
        // The queue keeps the first copy of an event id: a run re-handed after a restart is not queued twice.
        await Queue.EnqueueAsync(new EdgeEvent(templateEvent.Source, templateEvent.EventId, templateEvent.CreatedAt, templateEvent.ToUtf8Json(), properties), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the queue is empty (the link drained it) or <paramref name="timeout"/> ends; returns what is still queued.</summary>
    public async Task<long> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (Queue.Count > 0) await Task.Delay(20, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        return Queue.Count;
    }

    /// <summary>
    /// Moves events spooled while the module ran without a hub (<see cref="SpoolEventSink"/>'s <c>{data}/outbox</c>) into
    /// the queue, oldest first; each file is deleted once its event is committed. Returns how many were moved.
    /// </summary>
    public async Task<int> ImportSpoolAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var outbox = Path.Combine(dataDirectory, "outbox");
        if (!Directory.Exists(outbox)) return 0;
        var moved = 0;
        foreach (var file in Directory.GetFiles(outbox, "*.json").Order(StringComparer.Ordinal))
        {
            TemplateEvent templateEvent;
            try
            {
                templateEvent = TemplateEvent.FromUtf8Json(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
            }
            catch (System.Text.Json.JsonException e)
            {
                logger.LogWarning("Spooled event {File} is not readable ({Error}); left in place", file, e.Message);
                continue;
            }

            await PublishAsync(templateEvent, cancellationToken).ConfigureAwait(false);
            File.Delete(file);
            moved++;
        }

        if (moved > 0) logger.LogInformation("Moved {Count} events spooled offline into the hub queue", moved);
        return moved;
    }
}
