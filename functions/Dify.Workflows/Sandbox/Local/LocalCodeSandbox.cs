using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dify.Workflows.Sandbox.Local;

/// <summary>
/// <see cref="ICodeSandbox"/> backed by long-lived local worker processes (python3 for python3 and
/// jinja2, node for javascript), a small warm pool per language. A warm call costs a pipe round
/// trip instead of a process start. See <see cref="LocalSandboxOptions"/> for the limits.
/// </summary>
public sealed class LocalCodeSandbox : ICodeSandbox, IAsyncDisposable, IDisposable
{
    private readonly LocalSandboxOptions _options;
    private readonly SandboxFolder _folder;
    private readonly NetworkNamespaceProbe _network;
    private readonly Dictionary<CodeLanguage, WorkerPool> _pools;
    private int _disposed;

    public LocalCodeSandbox(LocalSandboxOptions options, ILogger<LocalCodeSandbox>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        ILogger log = logger ?? NullLogger<LocalCodeSandbox>.Instance;
        _folder = new SandboxFolder(options.WorkRoot);
        _network = new NetworkNamespaceProbe(options, log);
        var launcher = new WorkerLauncher(options, _folder, _network, log);
        _pools = Enum.GetValues<CodeLanguage>().ToDictionary(l => l, l => new WorkerPool(l, launcher, options, log));
    }

    /// <summary>True when workers run in their own network namespace (known after the first worker started).</summary>
    public async Task<bool> UsesNetworkNamespaceAsync() => await _network.UnsharePathAsync().ConfigureAwait(false) is not null;

    public Task<JsonNode?> ExecuteAsync(CodeLanguage language, string code, JsonObject inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_pools.TryGetValue(language, out var pool))
            throw new CodeExecutionException($"Unsupported code language: {language}");
        var payload = SandboxRequest.Build(language, code, inputs, _options);
        if (payload.Length > _options.MaxInputBytes)
            throw new CodeExecutionException($"Code and inputs are too large: {payload.Length} bytes exceeds the limit of {_options.MaxInputBytes} bytes");
        return pool.ExecuteAsync(payload, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        foreach (var pool in _pools.Values) await pool.DisposeAsync().ConfigureAwait(false);
        _folder.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
