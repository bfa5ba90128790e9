using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Edge.Link.Hub;

namespace Dify.Host.LocalHub;

/// <summary>
/// The module twin the local hub holds: desired and reported documents with their versions, kept in
/// <c>{data}/localhub/twin-{device}-{module}.json</c> (replaced atomically on every change), so a host restart keeps what
/// was published and what the module reported. Changes are JSON merge patches, as IoT Hub applies them.
/// </summary>
internal sealed class LocalTwinStore(string directory, string deviceId, string moduleId)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path = Path.Combine(directory, $"twin-{Uri.EscapeDataString(deviceId)}-{Uri.EscapeDataString(moduleId)}.json");
    private TwinState? _state;

    public string DeviceId => deviceId;

    public string ModuleId => moduleId;

    /// <summary>The whole twin as the module's twin GET sees it (<c>$version</c> in each document).</summary>
    public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken) => await WithStateAsync(s =>
    {
        var desired = (JsonObject)s.Desired.DeepClone();
        desired["$version"] = s.DesiredVersion;
        var reported = (JsonObject)s.Reported.DeepClone();
        reported["$version"] = s.ReportedVersion;
        return new JsonObject { ["desired"] = desired, ["reported"] = reported };
    }, save: false, cancellationToken).ConfigureAwait(false);

    /// <summary>Merges into desired; returns the new desired version.</summary>
    public Task<long> PatchDesiredAsync(JsonObject patch, CancellationToken cancellationToken) =>
        WithStateAsync(s => { s.Desired = TwinPatch.Merge(s.Desired, patch); return ++s.DesiredVersion; }, save: true, cancellationToken);

    /// <summary>Merges into reported; returns the new reported version.</summary>
    public Task<long> PatchReportedAsync(JsonObject patch, CancellationToken cancellationToken) =>
        WithStateAsync(s => { s.Reported = TwinPatch.Merge(s.Reported, patch); return ++s.ReportedVersion; }, save: true, cancellationToken);

    private async Task<T> WithStateAsync<T>(Func<TwinState, T> action, bool save, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = _state ??= await LoadAsync(cancellationToken).ConfigureAwait(false);
            var result = action(state);
            if (save) await SaveAsync(state, cancellationToken).ConfigureAwait(false);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<TwinState> LoadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_path)) return new TwinState();
        var node = JsonNode.Parse(await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false)) as JsonObject
            ?? throw new InvalidDataException($"{_path} is not a twin document");
        return new TwinState
        {
            Desired = node["desired"] as JsonObject is { } d ? (JsonObject)d.DeepClone() : [],
            Reported = node["reported"] as JsonObject is { } r ? (JsonObject)r.DeepClone() : [],
            DesiredVersion = node["desired_version"]?.GetValue<long>() ?? 1,
            ReportedVersion = node["reported_version"]?.GetValue<long>() ?? 1,
        };
    }

    private async Task SaveAsync(TwinState state, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var document = new JsonObject
        {
            ["device_id"] = deviceId, ["module_id"] = moduleId, ["desired"] = state.Desired.DeepClone(), ["reported"] = state.Reported.DeepClone(),
            ["desired_version"] = state.DesiredVersion, ["reported_version"] = state.ReportedVersion,
        };
        var temp = _path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await JsonSerializer.SerializeAsync(file, document, cancellationToken: cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, _path, overwrite: true);
    }

    private sealed class TwinState
    {
        public JsonObject Desired { get; set; } = [];
        public JsonObject Reported { get; set; } = [];
        public long DesiredVersion { get; set; } = 1;
        public long ReportedVersion { get; set; } = 1;
    }
}
