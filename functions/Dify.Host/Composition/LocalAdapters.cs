using Dify.Workflows.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Composition;

/// <summary>The local adapters behind the I/O nodes (models, code sandbox, HTTP, files, knowledge) and the executors using them.</summary>
internal sealed class LocalAdapters : IAsyncDisposable
{
    private readonly List<object> _owned = [];

    public List<INodeExecutor> Executors { get; } = [];

    public static Task<LocalAdapters> CreateAsync(string dataDirectory, IConfiguration configuration, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var adapters = new LocalAdapters();
        return Task.FromResult(adapters);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var o in _owned)
        {
            if (o is IAsyncDisposable ad) await ad.DisposeAsync();
            else if (o is IDisposable d) d.Dispose();
        }
    }
}
