using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Dify.Edge.Link.Mqtt;

/// <summary>
/// One accepted MQTT network connection: a read loop handing packets to the owner, a write loop that coalesces
/// queued packets into few socket writes, and keep-alive. It never reconnects; <see cref="MqttClient"/> does.
/// </summary>
internal sealed class MqttConnection : IAsyncDisposable
{
    private readonly record struct Outgoing(byte[] Bytes, TaskCompletionSource? Written);

    private readonly Stream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<MqttPacket, MqttConnection, ValueTask> _onPacket;
    private readonly MqttClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _lastSent;
    private long _lastReceived;
    private int _aborted;
    private Task _loops = Task.CompletedTask;

    private MqttConnection(long id, bool sessionPresent, Stream stream, PipeReader input, MqttClientOptions options,
        Func<MqttPacket, MqttConnection, ValueTask> onPacket, TimeProvider time, ILogger logger)
    {
        Id = id;
        SessionPresent = sessionPresent;
        _stream = stream;
        _input = input;
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        _options = options;
        _onPacket = onPacket;
        _time = time;
        _logger = logger;
        _lastSent = _lastReceived = time.GetTimestamp();
    }

    /// <summary>Distinguishes connections of one client (1, 2, ...).</summary>
    public long Id { get; }

    public bool SessionPresent { get; }

    /// <summary>Completes (never faults) when the connection has ended; <see cref="CloseReason"/> says why.</summary>
    public Task Closed => _closed.Task;

    public Exception? CloseReason { get; private set; }

    /// <summary>Opens the transport, sends CONNECT and waits for an accepting CONNACK.</summary>
    public static async Task<MqttConnection> ConnectAsync(MqttClientOptions options, string? password, long id,
        Func<MqttPacket, MqttConnection, ValueTask> onPacket, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        Stream? stream = null;
        try
        {
            stream = await MqttTransport.OpenAsync(options, timeout.Token).ConfigureAwait(false);
            var connect = new ConnectPacket(options.ClientId, options.Username, password, (ushort)options.KeepAlive.TotalSeconds, options.CleanSession);
            await stream.WriteAsync(MqttPacketEncoder.Encode(connect), timeout.Token).ConfigureAwait(false);
            await stream.FlushAsync(timeout.Token).ConfigureAwait(false);
            var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var first = await ReadPacketAsync(input, options.MaxIncomingPacketSize, timeout.Token).ConfigureAwait(false)
                ?? throw new MqttConnectionLostException("the broker closed the connection before CONNACK");
            if (first is not ConnAckPacket ack)
            {
                throw new MqttProtocolException($"expected CONNACK, got {first.GetType().Name}");
            }
            if (ack.ReturnCode != ConnectReturnCode.Accepted)
            {
                throw new MqttConnectException(ack.ReturnCode);
            }
            var connection = new MqttConnection(id, ack.SessionPresent, stream, input, options, onPacket, time, logger);
            connection.Start();
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            throw new TimeoutException($"MQTT connect to {options.Host}:{options.Port} took longer than {options.ConnectTimeout}.");
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>Queues a packet for writing; false when the connection has ended.</summary>
    public bool TrySend(byte[] packet) => Volatile.Read(ref _aborted) == 0 && _queue.Writer.TryWrite(new Outgoing(packet, null));

    /// <summary>Queues a packet and waits until it has been written to the socket.</summary>
    public async Task SendAsync(byte[] packet, CancellationToken cancellationToken)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Volatile.Read(ref _aborted) != 0 || !_queue.Writer.TryWrite(new Outgoing(packet, written)))
        {
            throw new MqttConnectionLostException("the MQTT connection is closed", CloseReason);
        }
        await written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends DISCONNECT (when still open) and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _aborted) == 0)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendAsync(MqttPacketEncoder.Encode(new DisconnectPacket()), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MqttConnectionLostException or OperationCanceledException or IOException)
            {
                // Best effort: the broker treats a dropped socket like a DISCONNECT without it.
            }
        }
        Abort(null);
        await _loops.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Ends the connection now (idempotent).</summary>
    public void Abort(Exception? reason)
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        CloseReason = reason;
        _queue.Writer.TryComplete();
        _stop.Cancel();
        _stream.Dispose(); // unblocks a pending socket read
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Written?.TrySetException(new MqttConnectionLostException("the MQTT connection closed before the packet was written", reason));
        }
        _closed.TrySetResult();
    }

    private void Start()
    {
        _loops = Task.WhenAll(
            Task.Run(ReadLoopAsync),
            Task.Run(WriteLoopAsync),
            _options.KeepAlive > TimeSpan.Zero ? Task.Run(KeepAliveLoopAsync) : Task.CompletedTask);
    }

    private static async ValueTask<MqttPacket?> ReadPacketAsync(PipeReader input, int maxPacketSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (MqttPacketDecoder.TryRead(ref buffer, maxPacketSize, out var packet))
            {
                input.AdvanceTo(buffer.Start);
                return packet;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return null;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        try
        {
            while (await ReadPacketAsync(_input, _options.MaxIncomingPacketSize, _stop.Token).ConfigureAwait(false) is { } packet)
            {
                Volatile.Write(ref _lastReceived, _time.GetTimestamp());
                await _onPacket(packet, this).ConfigureAwait(false);
            }
            error = new MqttConnectionLostException("the broker closed the connection");
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            error = ex is ObjectDisposedException or IOException ? new MqttConnectionLostException($"the MQTT connection broke: {ex.Message}", ex) : ex;
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
        }
        Abort(error);
    }

    private async Task WriteLoopAsync()
    {
        var written = new List<TaskCompletionSource>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                written.Clear();
                while (_queue.Reader.TryRead(out var item))
                {
                    _output.Write(item.Bytes);
                    if (item.Written is not null)
                    {
                        written.Add(item.Written);
                    }
                    if (_output.UnflushedBytes > 64 * 1024)
                    {
                        break;
                    }
                }
                await _output.FlushAsync(_stop.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastSent, _time.GetTimestamp());
                foreach (var done in written)
                {
                    done.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            foreach (var done in written)
            {
                done.TrySetException(new MqttConnectionLostException("the MQTT connection broke while writing", ex));
            }
            Abort(new MqttConnectionLostException("the MQTT connection broke while writing", ex));
        }
        finally
        {
            try
            {
                // CompleteAsync flushes what is still buffered; on a connection that broke or was aborted the stream
                // may already be closed, and that must not fault the loop (it would fault DisposeAsync after it).
                await _output.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                Abort(new MqttConnectionLostException("the MQTT connection broke while closing", ex));
            }
        }
    }

    // Sends PINGREQ when either direction has been quiet for half the keep-alive; a broker that then stays
    // silent for the other half (at least 1 s) is taken as gone, so a half-open TCP connection is noticed.
    private async Task KeepAliveLoopAsync()
    {
        var keepAlive = _options.KeepAlive;
        var half = keepAlive / 2;
        var grace = TimeSpan.FromTicks(Math.Max(half.Ticks, TimeSpan.FromSeconds(1).Ticks));
        var tick = TimeSpan.FromTicks(Math.Max(keepAlive.Ticks / 8, TimeSpan.FromMilliseconds(50).Ticks));
        long? pingSent = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(tick, _time, _stop.Token).ConfigureAwait(false);
                var received = Volatile.Read(ref _lastReceived);
                if (pingSent is { } sentAt && received >= sentAt)
                {
                    pingSent = null;
                }
                if (pingSent is { } waitingSince && _time.GetElapsedTime(waitingSince) > grace)
                {
                    _logger.LogWarning("MQTT broker silent for {Grace} after PINGREQ; closing the connection", grace);
                    Abort(new TimeoutException("no PINGRESP from the MQTT broker"));
                    return;
                }
                if (pingSent is null && (_time.GetElapsedTime(Volatile.Read(ref _lastSent)) >= half || _time.GetElapsedTime(received) >= half))
                {
                    pingSent = _time.GetTimestamp();
                    TrySend(MqttPacketEncoder.Encode(new PingReqPacket()));
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }
}
