using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Edge.Link.Mqtt;
using Dify.IoTHub.Events;
using Dify.IoTHub.Templates;
using Microsoft.Extensions.Logging;

namespace Dify.Host.LocalHub;

/// <summary>
/// IoT Hub's side of the link for modules on a local MQTT broker: telemetry of any device/module goes to the
/// <see cref="IEdgeEventIngestor"/> (acknowledged to the broker only after it is stored), the configured module's twin
/// GETs and reported PATCHes are answered from the <see cref="LocalTwinStore"/>, and templates published through the
/// admin surface become desired-property patches. Twin topics carry no identity, so every module on the broker sees
/// the patches and gets the same twin: run one module per broker.
/// </summary>
public sealed class LocalIoTHub : IModuleTemplateChannel, IAsyncDisposable
{
    /// <summary>How long a publish waits for the broker; the twin is saved first, and a module that missed the patch reads the twin on reconnect.</summary>
    private static readonly TimeSpan PatchDeliveryWait = TimeSpan.FromSeconds(5);

    private readonly LocalHubOptions _options;
    private readonly LocalTwinStore _twin;
    private readonly Func<IEdgeEventIngestor> _ingestor;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalIoTHub> _logger;
    private readonly MqttClient _mqtt;

    public LocalIoTHub(LocalHubOptions options, string dataDirectory, Func<IEdgeEventIngestor> ingestor, TimeProvider time, ILoggerFactory loggers)
    {
        options.Validate();
        (_options, _ingestor, _time, _logger) = (options, ingestor, time, loggers.CreateLogger<LocalIoTHub>());
        _twin = new LocalTwinStore(Path.Combine(dataDirectory, "localhub"), options.DeviceId, options.ModuleId);
        var password = options.Mqtt.Password;
        _mqtt = new MqttClient(new MqttClientOptions
        {
            Host = options.Mqtt.Host!,
            Port = options.Mqtt.Port,
            ClientId = options.Mqtt.ClientId,
            Username = options.Mqtt.Username,
            PasswordProvider = password is null ? null : _ => ValueTask.FromResult<string?>(password),
            CleanSession = false,
            MaxIncomingPacketSize = 512 * 1024, // IoT Hub's own limit on a device-to-cloud message is 256 KiB
        }, loggers.CreateLogger<MqttClient>(), time);
        _mqtt.AddMessageHandler(OnMessageAsync);
    }

    public bool IsConnected => _mqtt.IsConnected;

    /// <summary>Subscribes and connects in the background (the broker may come up later).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _mqtt.AddSubscriptions(
        [
            new MqttSubscription(LocalHubTopics.ModuleTelemetry, MqttQos.AtLeastOnce),
            new MqttSubscription(LocalHubTopics.DeviceTelemetry, MqttQos.AtLeastOnce),
            new MqttSubscription(LocalHubTopics.TwinGet, MqttQos.AtLeastOnce),
            new MqttSubscription(LocalHubTopics.ReportedPatch, MqttQos.AtLeastOnce),
        ]);
        await _mqtt.StartAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Local IoT Hub stand-in on {Host}:{Port} serving the twin of {DeviceId}/{ModuleId}", _options.Mqtt.Host, _options.Mqtt.Port, _options.DeviceId, _options.ModuleId);
    }

    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken) => _mqtt.WaitUntilConnectedAsync(cancellationToken);

    public async Task<ModuleTemplates> PublishAsync(string deviceId, string moduleId, string templateId, string version, string dsl, CancellationToken cancellationToken)
    {
        EnsureServed(deviceId, moduleId);
        var bytes = Encoding.UTF8.GetBytes(dsl);
        // The entry IoT Hub's TemplatePublisher writes for a small template (the module reads "content").
        var entry = new JsonObject { ["version"] = version, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)), ["size"] = bytes.Length, ["content"] = dsl, ["enabled"] = true };
        var patch = new JsonObject { ["templates"] = new JsonObject { [templateId] = entry } };
        var desiredVersion = await _twin.PatchDesiredAsync(patch, cancellationToken).ConfigureAwait(false);
        var body = (JsonObject)patch.DeepClone();
        body["$version"] = desiredVersion;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(PatchDeliveryWait);
        try
        {
            await _mqtt.PublishAsync(new MqttMessage(LocalHubTopics.DesiredPatch(desiredVersion), Encoding.UTF8.GetBytes(body.ToJsonString())), wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("The broker did not take desired version {Version} within {Wait}; the module reads it from the twin when it connects", desiredVersion, PatchDeliveryWait);
        }
        return await GetAsync(deviceId, moduleId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ModuleTemplates> GetAsync(string deviceId, string moduleId, CancellationToken cancellationToken)
    {
        EnsureServed(deviceId, moduleId);
        var twin = await _twin.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new ModuleTemplates(twin["desired"]?["templates"]?.DeepClone() as JsonObject ?? [], twin["reported"]?["templates"]?.DeepClone() as JsonObject ?? []);
    }

    public ValueTask DisposeAsync() => _mqtt.DisposeAsync();

    private void EnsureServed(string deviceId, string moduleId)
    {
        if (deviceId != _options.DeviceId || moduleId != _options.ModuleId)
            throw new ModuleTemplateChannelException(404, $"The local hub holds the twin of {_options.DeviceId}/{_options.ModuleId} only (LocalHub:DeviceId, LocalHub:ModuleId), not {deviceId}/{moduleId}.");
    }

    private async Task OnMessageAsync(MqttMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (LocalHubTopics.TryParseTelemetry(message.Topic, out var deviceId, out var moduleId, out var properties))
                await IngestAsync(deviceId, moduleId, properties, message.Payload, cancellationToken).ConfigureAwait(false);
            else if (LocalHubTopics.IsTwinGet(message.Topic, out var rid))
                await RespondAsync(LocalHubTopics.TwinResponse(200, rid), Encoding.UTF8.GetBytes((await _twin.ReadAsync(cancellationToken).ConfigureAwait(false)).ToJsonString()), cancellationToken).ConfigureAwait(false);
            else if (LocalHubTopics.IsReportedPatch(message.Topic, out var patchRid))
                await PatchReportedAsync(patchRid, message.Payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Acknowledged anyway (MQTT has no negative ack); the error says what was lost.
            _logger.LogError(e, "Local hub failed to handle a message on {Topic}", message.Topic);
        }
    }

    private async Task IngestAsync(string deviceId, string? moduleId, IReadOnlyDictionary<string, string> bag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // "$." keys are IoT Hub system properties; the rest are the application properties the trigger would see.
        var applicationProperties = bag.Where(p => !p.Key.StartsWith("$.", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var telemetry = new EdgeTelemetryMessage(deviceId, moduleId, bag.GetValueOrDefault("$.mid"), _time.GetUtcNow(), applicationProperties, payload.ToArray())
        {
            ContentType = bag.GetValueOrDefault("$.ct"),
            ContentEncoding = bag.GetValueOrDefault("$.ce"),
        };
        await _ingestor().IngestBatchAsync([telemetry], cancellationToken).ConfigureAwait(false);
    }

    private async Task PatchReportedAsync(string rid, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        JsonObject patch;
        try
        {
            patch = JsonNode.Parse(payload.Span) as JsonObject ?? throw new System.Text.Json.JsonException("not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            await RespondAsync(LocalHubTopics.TwinResponse(400, rid), Encoding.UTF8.GetBytes(new JsonObject { ["message"] = "reported properties must be a JSON object: " + e.Message }.ToJsonString()), cancellationToken).ConfigureAwait(false);
            return;
        }
        var version = await _twin.PatchReportedAsync(patch, cancellationToken).ConfigureAwait(false);
        await RespondAsync(LocalHubTopics.TwinResponse(204, rid, version), ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
    }

    private Task RespondAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        _mqtt.PublishAsync(new MqttMessage(topic, body, MqttQos.AtMostOnce), cancellationToken);
}
