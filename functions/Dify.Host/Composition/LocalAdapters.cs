using Dify.Models;
using Dify.Models.Configuration;
using Dify.Workflows.Files;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.Code;
using Dify.Workflows.Nodes.DocumentExtractor;
using Dify.Workflows.Knowledge;
using Dify.Workflows.Nodes.HttpRequest;
using Dify.Workflows.Nodes.KnowledgeRetrieval;
using Dify.Workflows.Nodes.Llm;
using Dify.Workflows.Nodes.ParameterExtractor;
using Dify.Workflows.Nodes.QuestionClassifier;
using Dify.Workflows.Nodes.TemplateTransform;
using Dify.Workflows.Sandbox.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Host.Composition;

/// <summary>
/// The local adapters behind the I/O nodes (models, code sandbox, HTTP, files, knowledge) and the
/// executors using them. Configuration sections: Models (see Dify.Models), Sandbox (LocalSandboxOptions).
/// </summary>
internal sealed class LocalAdapters : IAsyncDisposable
{
    private readonly List<object> _owned = [];

    public List<INodeExecutor> Executors { get; } = [];
    public required ModelProviders Models { get; init; }
    public required LocalCodeSandbox Sandbox { get; init; }
    public required LocalFolderFileStorage Files { get; init; }

    public static Task<LocalAdapters> CreateAsync(string dataDirectory, IConfiguration configuration, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var modelOptions = configuration.GetSection(ModelsOptions.SectionName).Get<ModelsOptions>() ?? new ModelsOptions();
        var sandboxOptions = configuration.GetSection("Sandbox").Get<LocalSandboxOptions>() ?? new LocalSandboxOptions();
        sandboxOptions.WorkRoot ??= Path.Combine(dataDirectory, "sandbox");
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });

        var adapters = new LocalAdapters
        {
            Models = new ModelProviders(Options.Create(modelOptions), loggers),
            Sandbox = new LocalCodeSandbox(sandboxOptions, loggers.CreateLogger<LocalCodeSandbox>()),
            Files = new LocalFolderFileStorage(Path.Combine(dataDirectory, "files"), remoteClient: http),
        };
        adapters.Executors.AddRange([
            new LlmNode(adapters.Models, adapters.Sandbox),
            new QuestionClassifierNode(adapters.Models),
            new ParameterExtractorNode(adapters.Models),
            new CodeNode(adapters.Sandbox),
            new TemplateTransformNode(adapters.Sandbox),
            new HttpRequestNode(http, adapters.Files),
            new DocumentExtractorNode(adapters.Files),
            // The embedded knowledge index comes with the knowledge issue; until then datasets live in memory.
            new KnowledgeRetrievalNode(new InMemoryKnowledgeIndex(adapters.Models.Embeddings), adapters.Models),
        ]);
        adapters._owned.Add(adapters.Sandbox);
        adapters._owned.Add(http);
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
