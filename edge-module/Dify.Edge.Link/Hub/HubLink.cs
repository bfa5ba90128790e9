using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Dify.Edge.Link.Mqtt;
using Dify.Edge.Link.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Edge.Link.Hub;

/// <summary>
/// The device's link to Azure IoT Hub (directly or through edgeHub) over MQTT, as a module (or device) identity:
/// drains the <see cref="OfflineQueue"/> as telemetry, reads and patches the twin, receives desired-property
/// patches and answers direct methods. Reconnects by itself; SAS tokens are made fresh for each connection.
/// </summary>
public sealed class HubLink : IAsyncDisposable
{
    private readonly HubLinkOptions _options;
    private readonly MqttClient _mqtt;
    private readonly QueueDrainer _drainer;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Status, long? Version, byte[] Body)>> _twinRequests = new();
    private readonly ConcurrentDictionary<string, Func<DirectMethodRequest, CancellationToken, Task<DirectMethodResponse>>> _methods = new(StringComparer.Ordinal);
    private readonly Channel<DesiredPropertiesPatch> _desiredPatches = Channel.CreateUnbounded<DesiredPropertiesPatch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Task, bool> _runningMethods = new();
    private readonly CancellationTokenSource _stop = new();
    private Func<DirectMethodRequest, CancellationToken, Task<DirectMethodResponse>>? _defaultMethod;
    private Func<DesiredPropertiesPatch, CancellationToken, Task>? _desiredHandler;
    private Func<ModuleInputMessage, CancellationToken, Task>? _inputHandler;
    private long _requestIds;
    private Task _loops = Task.CompletedTask;
    private int _started;

    public HubLink(HubLinkOptions options, OfflineQueue queue, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(queue);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<HubLink>();
        _mqtt = new MqttClient(BuildMqttOptions(), loggerFactory.CreateLogger<MqttClient>(), _time);
        _mqtt.AddMessageHandler(OnMessageAsync);
        _drainer = new QueueDrainer(queue, _mqtt, options, _logger, _time);
    }

    public bool IsConnected => _mqtt.IsConnected;

    /// <summary>Successful MQTT connections so far.</summary>
    public long ConnectCount => _mqtt.ConnectCount;

    /// <summary>Events delivered (PUBACK received and acked in the queue) since start.</summary>
    public long DrainedCount => _drainer.DrainedCount;

    /// <summary>Why the last connection attempt or connection failed.</summary>
    public Exception? LastError => _mqtt.LastError;

    /// <summary>Handler for desired-property patches; patches are handled one at a time, in arrival order.</summary>
    public void SetDesiredPropertiesHandler(Func<DesiredPropertiesPatch, CancellationToken, Task> handler) =>
        _desiredHandler = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>Handler for the direct method <paramref name="name"/>; calls may run concurrently.</summary>
    public void SetMethodHandler(string name, Func<DirectMethodRequest, CancellationToken, Task<DirectMethodResponse>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _methods[name] = handler ?? throw new ArgumentNullException(nameof(handler));
    }

    /// <summary>Handler for methods without their own; without one they are answered 501.</summary>
    public void SetDefaultMethodHandler(Func<DirectMethodRequest, CancellationToken, Task<DirectMethodResponse>> handler) =>
        _defaultMethod = handler ?? throw new ArgumentNullException(nameof(handler));

    /// <summary>
    /// Handler for messages routed to the module's inputs (module identities only). It runs in the MQTT dispatch, one
    /// message at a time, and the message is acknowledged (QoS 1) only when it returns: edgeHub re-delivers a message
    /// whose handler did not finish (crash, disconnect), so a handler that makes its work durable before returning gets
    /// at-least-once input. A handler that throws still acknowledges (the message is logged and dropped). The input
    /// subscription is made when the handler is set (before or after <see cref="StartAsync"/>).
    /// </summary>
    public void SetInputMessageHandler(Func<ModuleInputMessage, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (_options.ModuleId is null)
        {
            throw new InvalidOperationException("Input messages exist for module identities only (the connection has no ModuleId).");
        }
        var first = Interlocked.Exchange(ref _inputHandler, handler) is null;
        _inputHandlerSet.TrySetResult();
        if (first && Volatile.Read(ref _started) != 0)
        {
            _mqtt.AddSubscriptions([InputSubscription]);
        }
    }

    private readonly TaskCompletionSource _inputHandlerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task DeliverWhenHandlerSetAsync(ModuleInputMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _inputHandlerSet.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Input message on {Input} arrived without an input handler; dropped", message.InputName);
            return;
        }
        await Volatile.Read(ref _inputHandler)!(message, cancellationToken).ConfigureAwait(false);
    }

    private MqttSubscription InputSubscription => new(HubTopics.InputMessages(_options.DeviceId, _options.ModuleId!), MqttQos.AtLeastOnce);

    /// <summary>Starts connecting, subscribing and draining in the background; returns at once.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The hub link is already started.");
        }
        List<MqttSubscription> subscriptions =
        [
            new MqttSubscription(HubTopics.TwinResponses, MqttQos.AtMostOnce),
            new MqttSubscription(HubTopics.DesiredPatches, MqttQos.AtLeastOnce),
            new MqttSubscription(HubTopics.MethodRequests, MqttQos.AtMostOnce),
        ];
        if (Volatile.Read(ref _inputHandler) is not null)
        {
            subscriptions.Add(InputSubscription);
        }
        _mqtt.AddSubscriptions(subscriptions);
        await _mqtt.StartAsync(cancellationToken).ConfigureAwait(false);
        var stop = _stop.Token;
        _loops = Task.WhenAll(
            Task.Run(() => _drainer.RunAsync(stop), CancellationToken.None),
            Task.Run(() => HandleDesiredPatchesAsync(stop), CancellationToken.None));
        _logger.LogInformation("Hub link started for {ClientId} via {Host}:{Port}", _options.ClientId, _options.GatewayHostName ?? _options.HubHostName, _options.Port);
    }

    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) => _mqtt.WaitUntilConnectedAsync(cancellationToken);

    /// <summary>Reads the whole twin (<c>$iothub/twin/GET</c>).</summary>
    public async Task<HubTwin> GetTwinAsync(CancellationToken cancellationToken = default)
    {
        var (status, _, body) = await RequestAsync("twin GET", HubTopics.TwinGet, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        if (status != 200)
        {
            throw new HubRequestException("twin GET", status, Encoding.UTF8.GetString(body));
        }
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        JsonElement Part(string name) => root.TryGetProperty(name, out var value) ? value.Clone() : JsonSerializer.SerializeToElement(new Dictionary<string, string>());
        return new HubTwin(Part("desired"), Part("reported"));
    }

    /// <summary>Patches reported properties with a JSON object; returns the twin's new reported version when the hub says it.</summary>
    public async Task<long?> UpdateReportedPropertiesAsync(string patchJson, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(patchJson);
        using (var check = JsonDocument.Parse(patchJson))
        {
            if (check.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("A reported-properties patch is a JSON object.", nameof(patchJson));
            }
        }
        var (status, version, body) = await RequestAsync("reported PATCH", HubTopics.ReportedPatch, Encoding.UTF8.GetBytes(patchJson), cancellationToken).ConfigureAwait(false);
        if (status is < 200 or >= 300)
        {
            throw new HubRequestException("reported PATCH", status, Encoding.UTF8.GetString(body));
        }
        return version;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _desiredPatches.Writer.TryComplete();
        await _loops.ConfigureAwait(false);
        await Task.WhenAll(_runningMethods.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _mqtt.DisposeAsync().ConfigureAwait(false);
        foreach (var pending in _twinRequests.Values)
        {
            pending.TrySetException(new ObjectDisposedException(nameof(HubLink)));
        }
        _stop.Dispose();
    }

    private MqttClientOptions BuildMqttOptions()
    {
        var options = new MqttClientOptions
        {
            Host = _options.GatewayHostName ?? _options.HubHostName,
            Port = _options.Port,
            ClientId = _options.ClientId,
            Username = _options.Username,
            PasswordProvider = CreateSasTokenAsync,
            KeepAlive = _options.KeepAlive,
            CleanSession = false,
            // Renew the SAS token before it expires: IoT Hub closes a connection whose token has run out.
            MaxConnectionLifetime = _options.TokenTimeToLive * 0.8,
        };
        if (_options.UseTls)
        {
            options.Tls = new MqttTlsOptions { ServerName = _options.GatewayHostName ?? _options.HubHostName };
            options.Tls.TrustedRoots.AddRange(_options.TrustedRoots);
        }
        _options.ConfigureMqtt?.Invoke(options);
        return options;
    }

    /// <summary>A fresh SAS token for the next connection (never logged).</summary>
    internal async ValueTask<string?> CreateSasTokenAsync(CancellationToken cancellationToken) =>
        await SasToken.CreateAsync(
            SasToken.ResourceUri(_options.HubHostName, _options.DeviceId, _options.ModuleId),
            _time.GetUtcNow() + _options.TokenTimeToLive,
            _options.Signer!,
            _options.SharedAccessKeyName,
            cancellationToken).ConfigureAwait(false);

    private async Task<(int Status, long? Version, byte[] Body)> RequestAsync(string operation, Func<string, string> topicFor, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            throw new InvalidOperationException("Start the hub link first.");
        }
        var rid = Interlocked.Increment(ref _requestIds).ToString(CultureInfo.InvariantCulture);
        var response = new TaskCompletionSource<(int, long?, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _twinRequests[rid] = response;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
            try
            {
                await _mqtt.PublishAsync(new MqttMessage(topicFor(rid), payload, MqttQos.AtLeastOnce), timeout.Token).ConfigureAwait(false);
                return await response.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"IoT Hub did not answer {operation} within {_options.RequestTimeout}.");
            }
        }
        finally
        {
            _twinRequests.TryRemove(rid, out _);
        }
    }

    private Task OnMessageAsync(MqttMessage message, CancellationToken cancellationToken)
    {
        var topic = message.Topic;
        if (HubTopics.TryParseInputMessage(topic, _options.DeviceId, _options.ModuleId, out var inputName, out var inputProperties))
        {
            if (Volatile.Read(ref _inputHandler) is { } inputHandler)
            {
                // Awaited in the dispatch: the PUBACK goes out after the handler (see SetInputMessageHandler).
                return inputHandler(new ModuleInputMessage(inputName, inputProperties, message.Payload), cancellationToken);
            }
            // A persistent session re-delivers held messages as soon as it connects, possibly before the
            // handler is set: wait for it a little rather than drop (and acknowledge) the message.
            return DeliverWhenHandlerSetAsync(new ModuleInputMessage(inputName, inputProperties, message.Payload), cancellationToken);
        }
        else if (HubTopics.TryParseTwinResponse(topic, out var status, out var rid, out var version))
        {
            if (_twinRequests.TryGetValue(rid, out var pending))
            {
                pending.TrySetResult((status, version, message.Payload.ToArray()));
            }
        }
        else if (HubTopics.TryParseDesiredPatch(topic, out var desiredVersion))
        {
            try
            {
                using var document = JsonDocument.Parse(message.Payload);
                _desiredPatches.Writer.TryWrite(new DesiredPropertiesPatch(document.RootElement.Clone(), desiredVersion));
            }
            catch (JsonException ex)
            {
                _logger.LogWarning("Ignoring a desired-properties patch that is not JSON: {Error}", ex.Message);
            }
        }
        else if (HubTopics.TryParseMethodRequest(topic, out var name, out var methodRid))
        {
            // Run beside the dispatcher: a method handler may itself wait for twin responses.
            var call = Task.Run(() => HandleMethodAsync(new DirectMethodRequest(name, message.Payload), methodRid, _stop.Token), CancellationToken.None);
            _runningMethods[call] = true;
            _ = call.ContinueWith(done => _runningMethods.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        else
        {
            _logger.LogDebug("Ignoring a message on {Topic}", topic);
        }
        return Task.CompletedTask;
    }

    private async Task HandleMethodAsync(DirectMethodRequest request, string rid, CancellationToken stop)
    {
        DirectMethodResponse response;
        var handler = _methods.GetValueOrDefault(request.Name) ?? _defaultMethod;
        if (handler is null)
        {
            _logger.LogWarning("Direct method {Method} has no handler; answering 501", request.Name);
            response = new DirectMethodResponse(501, JsonSerializer.SerializeToUtf8Bytes(new { message = $"method '{request.Name}' is not implemented" }));
        }
        else
        {
            try
            {
                response = await handler(request, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Direct method {Method} failed", request.Name);
                response = new DirectMethodResponse(500, JsonSerializer.SerializeToUtf8Bytes(new { message = ex.Message }));
            }
        }
        try
        {
            await _mqtt.PublishAsync(new MqttMessage(HubTopics.MethodResponse(response.Status, rid), response.Payload, MqttQos.AtLeastOnce), stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task HandleDesiredPatchesAsync(CancellationToken stop)
    {
        try
        {
            await foreach (var patch in _desiredPatches.Reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                if (_desiredHandler is not { } handler)
                {
                    _logger.LogInformation("Desired properties version {Version} arrived; no handler is set", patch.Version);
                    continue;
                }
                try
                {
                    await handler(patch, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "Desired-properties handler failed for version {Version}", patch.Version);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
