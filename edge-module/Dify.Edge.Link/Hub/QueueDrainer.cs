using System.Globalization;
using Dify.Edge.Link.Mqtt;
using Dify.Edge.Link.Queue;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Link.Hub;

/// <summary>
/// Moves events from the <see cref="OfflineQueue"/> to IoT Hub: while connected, peeks a batch, publishes it at
/// QoS 1 (event id as <c>$.mid</c> and <c>event-id</c>), and acks each event after its PUBACK. Delivery is
/// at-least-once: a batch cut by a disconnect is re-sent, and the cloud drops duplicates by event id.
/// </summary>
internal sealed class QueueDrainer(OfflineQueue queue, MqttClient mqtt, HubLinkOptions options, ILogger logger, TimeProvider time)
{
    private long _drained;
    private long _lastDrainedTimestamp;

    /// <summary>Events published and acknowledged since start.</summary>
    public long DrainedCount => Interlocked.Read(ref _drained);

    /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last ack; 0 before the first.</summary>
    public long LastDrainedTimestamp => Interlocked.Read(ref _lastDrainedTimestamp);

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await mqtt.WaitUntilConnectedAsync(stop).ConfigureAwait(false);
                var batch = await queue.PeekBatchAsync(options.DrainBatchSize, stop).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    await queue.WaitForEventsAsync(stop).ConfigureAwait(false);
                    continue;
                }
                var failed = await PublishBatchAsync(batch, stop).ConfigureAwait(false);
                if (failed > 0)
                {
                    await Task.Delay(options.DrainRetryDelay, time, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return; // the queue was closed under us
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Drain round failed; retrying in {Delay}", options.DrainRetryDelay);
                try
                {
                    await Task.Delay(options.DrainRetryDelay, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Publishes a batch and acks what the broker acknowledged; returns how many were not.</summary>
    private async Task<int> PublishBatchAsync(IReadOnlyList<QueuedEvent> batch, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(options.DrainBatchTimeout);
        var publishes = batch.Select(e => mqtt.PublishAsync(ToMessage(e), timeout.Token)).ToArray();
        // Failures are looked at one by one below: the delivered ones are acked, the rest retried next round.
        await Task.WhenAll(publishes).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var delivered = new List<long>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (publishes[i].IsCompletedSuccessfully)
            {
                delivered.Add(batch[i].Sequence);
            }
        }
        if (delivered.Count > 0)
        {
            await queue.AckAsync(delivered, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _drained, delivered.Count);
            Interlocked.Exchange(ref _lastDrainedTimestamp, time.GetTimestamp());
        }
        stop.ThrowIfCancellationRequested();
        var failed = batch.Count - delivered.Count;
        if (failed > 0)
        {
            var error = publishes.FirstOrDefault(p => p.IsFaulted)?.Exception?.InnerException;
            logger.LogWarning("{Failed} of {Count} events were not acknowledged within {Timeout} ({Error}); they will be re-sent",
                failed, batch.Count, options.DrainBatchTimeout, error?.Message ?? "timed out");
        }
        return failed;
    }

    /// <summary>The MQTT message for an event: telemetry topic with system and application properties.</summary>
    internal MqttMessage ToMessage(QueuedEvent queued)
    {
        var e = queued.Event;
        var id = e.EventId.ToString("D");
        var properties = new List<KeyValuePair<string, string>>(8 + e.Properties.Count)
        {
            new("$.mid", id),
            new("$.ctime", e.CreatedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)),
        };
        if (options.ContentType is { } contentType)
        {
            properties.Add(new("$.ct", contentType));
        }
        if (options.ContentEncoding is { } contentEncoding)
        {
            properties.Add(new("$.ce", contentEncoding));
        }
        if (options.OutputName is { } output)
        {
            properties.Add(new("$.on", output));
        }
        properties.Add(new("event-id", id));
        properties.Add(new("event-source", e.Source));
        foreach (var property in e.Properties)
        {
            if (!properties.Exists(p => p.Key == property.Key))
            {
                properties.Add(property);
            }
        }
        var topic = HubTopics.Telemetry(options.DeviceId, options.ModuleId, PropertyBag.Encode(properties));
        return new MqttMessage(topic, e.Payload, MqttQos.AtLeastOnce);
    }
}
