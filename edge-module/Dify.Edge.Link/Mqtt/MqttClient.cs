using System.Collections.Immutable;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Link.Mqtt;

/// <summary>
/// MQTT 3.1.1 client that stays connected: it reconnects with exponential backoff and jitter, re-subscribes,
/// and re-sends every QoS 1 publish not yet acknowledged (DUP set), so <see cref="PublishAsync"/> at QoS 1
/// completes only once the broker has the message, however many connections that takes.
/// </summary>
public sealed class MqttClient : IAsyncDisposable
{
    private readonly MqttClientOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly Lock _gate = new();
    private readonly Dictionary<ushort, InflightPublish> _inflight = [];
    private readonly Dictionary<ushort, (TaskCompletionSource<SubAckPacket> Completion, long ConnectionId)> _pendingSubscribes = [];
    private readonly List<MqttSubscription> _subscriptions = [];
    private readonly SemaphoreSlim _inflightSlots;
    private readonly Channel<(PublishPacket Packet, MqttConnection Connection)> _incoming =
        Channel.CreateUnbounded<(PublishPacket, MqttConnection)>(new UnboundedChannelOptions { SingleReader = true });
    private ImmutableArray<Func<MqttMessage, CancellationToken, Task>> _handlers = [];
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MqttConnection? _connection;
    private ushort _lastPacketId;
    private long _publishOrder;
    private long _connectionIds;
    private long _connectCount;
    private CancellationTokenSource? _stop;
    private Task _supervisor = Task.CompletedTask;
    private Task _dispatcher = Task.CompletedTask;

    public MqttClient(MqttClientOptions options, ILogger<MqttClient>? logger = null, TimeProvider? time = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _backoff = new ReconnectBackoff(options.InitialReconnectDelay, options.MaxReconnectDelay, options.ReconnectJitter, random ?? new Random());
        _inflightSlots = new SemaphoreSlim(options.MaxInflight, options.MaxInflight);
    }

    public bool IsConnected => Volatile.Read(ref _connection) is not null;

    /// <summary>Successful connections so far (1 after the first connect; grows with each reconnect).</summary>
    public long ConnectCount => Interlocked.Read(ref _connectCount);

    /// <summary>QoS 1 publishes awaiting PUBACK.</summary>
    public int InflightCount
    {
        get
        {
            lock (_gate)
            {
                return _inflight.Count;
            }
        }
    }

    /// <summary>Why the last connection attempt or connection failed (null after a clean run).</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Handlers run one message at a time, in arrival order; a QoS 1 message is acknowledged after they return.</summary>
    public void AddMessageHandler(Func<MqttMessage, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref _handlers, list => list.Add(handler));
    }

    /// <summary>Starts connecting in the background (and keeps reconnecting until disposed).</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_stop is not null)
            {
                throw new InvalidOperationException("The MQTT client is already started.");
            }
            _stop = new CancellationTokenSource();
        }
        var stop = _stop.Token;
        _supervisor = Task.Run(() => SuperviseAsync(stop), CancellationToken.None);
        _dispatcher = Task.Run(() => DispatchAsync(stop), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Starts (if needed) and waits for the first connection.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (_stop is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        await WaitUntilConnectedAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WaitUntilConnectedAsync(CancellationToken cancellationToken) =>
        await WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// QoS 0: returns once written to the current connection (waits for one). QoS 1: returns once the broker has
    /// acknowledged it, re-sending across reconnects. Cancelling stops the wait; the message may still arrive.
    /// </summary>
    public async Task PublishAsync(MqttMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Topic);
        EnsureStarted();
        if (message.Qos == MqttQos.AtMostOnce)
        {
            var bytes = MqttPacketEncoder.Encode(new PublishPacket(message.Topic, message.Payload, MqttQos.AtMostOnce, message.Retain, false, 0));
            while (true)
            {
                var connection = await WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await connection.SendAsync(bytes, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (MqttConnectionLostException)
                {
                    // written to no socket: try the next connection
                }
            }
        }

        await _inflightSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        InflightPublish entry;
        lock (_gate)
        {
            var id = NextPacketId();
            var encoded = MqttPacketEncoder.Encode(new PublishPacket(message.Topic, message.Payload, MqttQos.AtLeastOnce, message.Retain, false, id));
            entry = new InflightPublish(id, ++_publishOrder, encoded);
            _inflight[id] = entry;
            if (_connection is { } connection)
            {
                connection.TrySend(entry.BytesFor(connection.Id));
            }
        }
        using var registration = cancellationToken.Register(() =>
        {
            if (Forget(entry.PacketId, entry))
            {
                entry.Completion.TrySetCanceled(cancellationToken);
            }
        });
        await entry.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Remembers subscriptions without waiting: they are sent on every connection (this one, if up, and each
    /// reconnect) before the connection is used for anything else.
    /// </summary>
    public void AddSubscriptions(IReadOnlyList<MqttSubscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        MqttConnection? current;
        lock (_gate)
        {
            foreach (var subscription in subscriptions)
            {
                _subscriptions.RemoveAll(s => s.TopicFilter == subscription.TopicFilter);
                _subscriptions.Add(subscription);
            }
            current = _connection;
        }
        if (current is not null && subscriptions.Count > 0)
        {
            _ = SubscribeInBackgroundAsync(current, subscriptions);
        }
    }

    private async Task SubscribeInBackgroundAsync(MqttConnection connection, IReadOnlyList<MqttSubscription> subscriptions)
    {
        try
        {
            await SendSubscribeAsync(connection, subscriptions, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttSubscribeException or TimeoutException or MqttConnectionLostException)
        {
            _logger.LogWarning("MQTT subscribe failed: {Error}", ex.Message); // the next connection subscribes again
        }
    }

    /// <summary>Subscribes (waiting for a connection and SUBACK); the subscription is renewed after every reconnect.</summary>
    public async Task SubscribeAsync(IReadOnlyList<MqttSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        if (subscriptions.Count == 0)
        {
            return;
        }
        EnsureStarted();
        lock (_gate)
        {
            foreach (var subscription in subscriptions)
            {
                _subscriptions.RemoveAll(s => s.TopicFilter == subscription.TopicFilter);
                _subscriptions.Add(subscription);
            }
        }
        while (true)
        {
            var connection = await WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await SendSubscribeAsync(connection, subscriptions, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MqttConnectionLostException)
            {
                // the reconnect re-subscribes everything; wait for it and confirm on the new connection
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        CancellationTokenSource? stop;
        lock (_gate)
        {
            stop = _stop;
            _stop = null;
        }
        if (stop is null)
        {
            return;
        }
        // The supervisor's finally sends DISCONNECT on a live connection before closing it.
        await stop.CancelAsync().ConfigureAwait(false);
        await _supervisor.ConfigureAwait(false);
        _incoming.Writer.TryComplete();
        await _dispatcher.ConfigureAwait(false);
        List<InflightPublish> abandoned;
        lock (_gate)
        {
            abandoned = [.. _inflight.Values];
            _inflight.Clear();
        }
        foreach (var entry in abandoned)
        {
            entry.Completion.TrySetException(new ObjectDisposedException(nameof(MqttClient), "The MQTT client was disposed before the broker acknowledged the message."));
        }
        stop.Dispose();
    }

    private void EnsureStarted()
    {
        if (_stop is null)
        {
            throw new InvalidOperationException("Start the MQTT client (StartAsync or ConnectAsync) first.");
        }
    }

    private async Task<MqttConnection> WaitForConnectionAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task connected;
            lock (_gate)
            {
                if (_connection is { } connection)
                {
                    return connection;
                }
                connected = _connected.Task;
            }
            await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync(CancellationToken stop)
    {
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            MqttConnection? connection = null;
            var renew = false;
            try
            {
                var password = _options.PasswordProvider is null ? null : await _options.PasswordProvider(stop).ConfigureAwait(false);
                connection = await MqttConnection.ConnectAsync(_options, password, Interlocked.Increment(ref _connectionIds),
                    OnPacketAsync, _time, _logger, stop).ConfigureAwait(false);
                attempt = 0;
                Interlocked.Increment(ref _connectCount);
                _logger.LogInformation("MQTT connected to {Host}:{Port} as {ClientId} (session present: {SessionPresent})",
                    _options.Host, _options.Port, _options.ClientId, connection.SessionPresent);
                await ResubscribeAsync(connection, stop).ConfigureAwait(false);
                var resent = Activate(connection);
                if (resent > 0)
                {
                    _logger.LogInformation("MQTT re-sent {Count} unacknowledged QoS 1 messages", resent);
                }
                if (await LivesOutItsLifetimeAsync(connection, stop).ConfigureAwait(false))
                {
                    _logger.LogInformation("MQTT connection reached its lifetime of {Lifetime}; reconnecting with fresh credentials", _options.MaxConnectionLifetime);
                    renew = true;
                }
                else
                {
                    LastError = connection.CloseReason;
                    _logger.LogWarning("MQTT connection to {Host}:{Port} lost: {Reason}", _options.Host, _options.Port, connection.CloseReason?.Message ?? "closed");
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (MqttConnectException ex)
            {
                LastError = ex;
                _logger.LogError("MQTT connect to {Host}:{Port} refused: {Reason}", _options.Host, _options.Port, ex.Message);
            }
            catch (Exception ex)
            {
                LastError = ex;
                _logger.LogWarning("MQTT connect to {Host}:{Port} failed: {Error}", _options.Host, _options.Port, ex.Message);
            }
            finally
            {
                if (connection is not null)
                {
                    Deactivate(connection);
                    try
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                    {
                        // A connection that failed while closing is gone all the same; the supervisor must live on to reconnect.
                        _logger.LogWarning("MQTT connection close failed: {Error}", ex.Message);
                    }
                }
            }
            if (stop.IsCancellationRequested)
            {
                break;
            }
            if (renew)
            {
                continue; // a planned renewal reconnects at once
            }
            try
            {
                await Task.Delay(_backoff.Delay(attempt++), _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Waits until the connection closes (false) or reaches <see cref="MqttClientOptions.MaxConnectionLifetime"/> (true).</summary>
    private async Task<bool> LivesOutItsLifetimeAsync(MqttConnection connection, CancellationToken stop)
    {
        if (_options.MaxConnectionLifetime is not { } lifetime)
        {
            await connection.Closed.WaitAsync(stop).ConfigureAwait(false);
            return false;
        }
        using var expiry = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var expired = Task.Delay(lifetime, _time, expiry.Token);
        var first = await Task.WhenAny(connection.Closed, expired).ConfigureAwait(false);
        await expiry.CancelAsync().ConfigureAwait(false);
        stop.ThrowIfCancellationRequested();
        return first == expired && !connection.Closed.IsCompleted;
    }

    /// <summary>Makes the connection current and re-sends unacknowledged publishes on it, in publish order.</summary>
    private int Activate(MqttConnection connection)
    {
        lock (_gate)
        {
            _connection = connection;
            var resend = _inflight.Values.Where(e => e.SentOnConnection != connection.Id).OrderBy(e => e.Order).ToList();
            var repeated = resend.Count(e => e.SentOnConnection != 0);
            foreach (var entry in resend)
            {
                connection.TrySend(entry.BytesFor(connection.Id));
            }
            _connected.TrySetResult();
            return repeated;
        }
    }

    private void Deactivate(MqttConnection connection)
    {
        List<TaskCompletionSource<SubAckPacket>> lost = [];
        lock (_gate)
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            foreach (var (id, pending) in _pendingSubscribes.Where(p => p.Value.ConnectionId == connection.Id).ToList())
            {
                _pendingSubscribes.Remove(id);
                lost.Add(pending.Completion);
            }
        }
        foreach (var completion in lost)
        {
            completion.TrySetException(new MqttConnectionLostException("the connection closed before SUBACK"));
        }
    }

    private async Task ResubscribeAsync(MqttConnection connection, CancellationToken stop)
    {
        List<MqttSubscription> all;
        lock (_gate)
        {
            all = [.. _subscriptions];
        }
        if (all.Count == 0)
        {
            return;
        }
        try
        {
            await SendSubscribeAsync(connection, all, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttSubscribeException or TimeoutException)
        {
            _logger.LogError("MQTT re-subscribe failed: {Error}", ex.Message);
        }
    }

    private async Task SendSubscribeAsync(MqttConnection connection, IReadOnlyList<MqttSubscription> subscriptions, CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource<SubAckPacket>(TaskCreationOptions.RunContinuationsAsynchronously);
        ushort id;
        lock (_gate)
        {
            id = NextPacketId();
            _pendingSubscribes[id] = (completion, connection.Id);
        }
        try
        {
            if (!connection.TrySend(MqttPacketEncoder.Encode(new SubscribePacket(id, subscriptions))))
            {
                throw new MqttConnectionLostException("the connection closed before SUBSCRIBE was sent");
            }
            var ack = await completion.Task.WaitAsync(_options.SubscribeTimeout, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < subscriptions.Count; i++)
            {
                if (i >= ack.ReturnCodes.Count || ack.ReturnCodes[i] == 0x80)
                {
                    throw new MqttSubscribeException(subscriptions[i].TopicFilter);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _pendingSubscribes.Remove(id);
            }
        }
    }

    private ValueTask OnPacketAsync(MqttPacket packet, MqttConnection connection)
    {
        switch (packet)
        {
            case PubAckPacket ack:
                InflightPublish? entry;
                lock (_gate)
                {
                    _inflight.TryGetValue(ack.PacketId, out entry);
                }
                if (entry is not null && Forget(ack.PacketId, entry))
                {
                    entry.Completion.TrySetResult();
                }
                break;
            case SubAckPacket ack:
                TaskCompletionSource<SubAckPacket>? completion = null;
                lock (_gate)
                {
                    if (_pendingSubscribes.Remove(ack.PacketId, out var pending))
                    {
                        completion = pending.Completion;
                    }
                }
                completion?.TrySetResult(ack);
                break;
            case PublishPacket publish:
                _incoming.Writer.TryWrite((publish, connection));
                break;
            case PingRespPacket:
                break;
            default:
                throw new MqttProtocolException($"unexpected {packet.GetType().Name} from the broker");
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Removes an in-flight entry and frees its slot; true for the one caller that removed it.</summary>
    private bool Forget(ushort packetId, InflightPublish entry)
    {
        lock (_gate)
        {
            if (!_inflight.TryGetValue(packetId, out var current) || !ReferenceEquals(current, entry))
            {
                return false;
            }
            _inflight.Remove(packetId);
        }
        _inflightSlots.Release();
        return true;
    }

    private async Task DispatchAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var (packet, connection) in _incoming.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                var message = new MqttMessage(packet.Topic, packet.Payload, packet.Qos, packet.Retain) { Duplicate = packet.Dup };
                foreach (var handler in _handlers)
                {
                    try
                    {
                        await handler(message, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        _logger.LogError(ex, "MQTT message handler failed for topic {Topic}", packet.Topic);
                    }
                }
                if (packet.Qos == MqttQos.AtLeastOnce)
                {
                    // On a closed connection the broker re-delivers after the reconnect.
                    connection.TrySend(MqttPacketEncoder.Encode(new PubAckPacket(packet.PacketId)));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private ushort NextPacketId()
    {
        // Caller holds _gate. MaxInflight (< 65 000) leaves free ids, so this ends.
        do
        {
            _lastPacketId = _lastPacketId == ushort.MaxValue ? (ushort)1 : (ushort)(_lastPacketId + 1);
        }
        while (_inflight.ContainsKey(_lastPacketId) || _pendingSubscribes.ContainsKey(_lastPacketId));
        return _lastPacketId;
    }
}
