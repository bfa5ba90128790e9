using Dify.Api;
using Dify.Api.Apps;
using Dify.Api.Auth;
using Dify.Host.Composition;
using Dify.Host.LocalHub;
using Dify.Storage.Edge;
using Dify.Storage.Apps;
using Dify.Storage.Conversations;
using Dify.Storage.Feedback;
using Dify.Storage.Files;
using Dify.Storage.Runs;
using Dify.Storage.Sqlite;
using Dify.Workflows.Engine.Definition;
using Dify.Workflows.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Host.Web;

/// <summary>
/// The local HTTP host: Kestrel serving the Service API (/v1), the console subset (/console/api) and
/// /healthz over the embedded engine, with all state in one data folder. <see cref="StartAsync"/> loads
/// the stored apps, resumes unfinished runs, then listens; dispose stops it gracefully.
/// </summary>
public sealed class DifyWebHost : IAsyncDisposable
{
    public const string DefaultUrls = "http://127.0.0.1:7071";

    private readonly WebApplication _app;
    private readonly LocalApiServices _services;
    private bool _disposed;

    private DifyWebHost(WebApplication app, LocalApiServices services, string dataDirectory, string adminKey)
    {
        _app = app;
        _services = services;
        DataDirectory = dataDirectory;
        AdminKey = adminKey;
    }

    public string DataDirectory { get; }
    public string AdminKey { get; }
    public IServiceProvider Services => _app.Services;
    public LocalEngine Engine => _services.Engine;

    /// <summary>The first address Kestrel listens on (the real port when started on :0).</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    /// <summary>Builds and starts a host on <paramref name="urls"/> (e.g. <c>http://127.0.0.1:0</c>) over <paramref name="dataDirectory"/>.</summary>
    public static async Task<DifyWebHost> StartAsync(string dataDirectory, IConfiguration configuration, string urls, TextWriter? announce = null, CancellationToken cancellationToken = default)
    {
        var data = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(data);
        var adminKey = configuration[$"{AdminOptions.SectionName}:{nameof(AdminOptions.ApiKey)}"] is { Length: > 0 } configured
            ? configured
            : await AdminKeyFile.GetOrCreateAsync(data, announce ?? Console.Error, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        // Per-request framework logs are noise at Information; configuration can lower this again.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        var services = new LocalApiServices();
        Register(builder.Services, services, configuration, adminKey);
        builder.Services.AddLocalHub(configuration, data);

        var app = builder.Build();
        app.UseDifyApiErrors();
        app.UseCors();
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapDifyApi();
        app.MapDifyDatasetApi();
        app.MapDifyEdgeApi();

        var host = new DifyWebHost(app, services, data, adminKey);
        try
        {
            var loggers = app.Services.GetRequiredService<ILoggerFactory>();
            // Independent files: open the API database while the engine starts (a shorter cold start).
            var database = Task.Run(() => SqliteApiDatabase.OpenAsync(data, cancellationToken), cancellationToken);
            services.Engine = await LocalEngine.StartAsync(data, configuration, loggers, cancellationToken);
            services.Database = await database;
            services.EdgeDatabase = await SqliteEdgeDatabase.OpenAsync(data, cancellationToken);
            var apps = await app.Services.GetRequiredService<AppRegistry>().LoadAllAsync(cancellationToken);
            var resumed = await services.Engine.ResumeAsync(cancellationToken);
            await app.StartAsync(cancellationToken);
            // The document folder watcher is not needed to answer requests: it starts once the host is listening.
            await services.Engine.WatchDocumentsAsync(loggers, cancellationToken);
            app.Services.GetRequiredService<ILogger<DifyWebHost>>().LogInformation(
                "Serving {AppCount} apps on {Address} from {DataDirectory}; resumed {ResumedRuns} runs", apps, host.BaseAddress, data, resumed);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM, or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    private static void Register(IServiceCollection s, LocalApiServices services, IConfiguration configuration, string adminKey)
    {
        s.AddSingleton(services);
        s.AddSingleton(sp => sp.GetRequiredService<LocalApiServices>().Engine.Runs);
        s.AddSingleton(sp => sp.GetRequiredService<LocalApiServices>().Engine.Loader);
        s.AddSingleton<IWorkflowCatalog>(sp => sp.GetRequiredService<LocalApiServices>().Engine.Catalog);
        s.AddSingleton<IRunEventLog>(sp => sp.GetRequiredService<LocalApiServices>().Engine.Events);
        s.AddSingleton<IAppStore>(sp => new SqliteAppStore(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IApiKeyStore>(sp => new SqliteApiKeyStore(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IEndUserStore>(sp => new SqliteEndUserStore(sp.GetRequiredService<LocalApiServices>().Database, sp.GetRequiredService<TimeProvider>()));
        s.AddSingleton<IConversationStore>(sp => new SqliteConversationStore(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IWorkflowRunIndex>(sp => new SqliteWorkflowRunIndex(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IUploadFileStore>(sp => new SqliteUploadFileStore(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IMessageFeedbackStore>(sp => new SqliteMessageFeedbackStore(sp.GetRequiredService<LocalApiServices>().Database));
        s.AddSingleton<IConversationVariableWriter>(sp => new SqliteConversationVariableWriter(sp.GetRequiredService<LocalApiServices>().Database));
        // The engine's own file storage and model providers: uploads land where the document extractor reads them,
        // and suggested questions ask the same models the LLM nodes use (one set of clients per process).
        s.AddSingleton(sp => sp.GetRequiredService<LocalApiServices>().Engine.Files);
        s.AddSingleton<Dify.Workflows.Files.IFileContentStore>(sp => sp.GetRequiredService<LocalApiServices>().Engine.Files);
        s.AddSingleton(sp => sp.GetRequiredService<LocalApiServices>().Engine.Models);
        s.AddDifyApi(configuration);
        s.AddDifyDatasetApi(configuration, sp => { var l = sp.GetRequiredService<LocalApiServices>(); return new(l.Engine.Ingestor, l.Engine.Knowledge, l.Database, l.Engine.DataDirectory, new Dify.Workflows.Knowledge.ModelReranker(l.Engine.Models.Rerank)); });
        s.AddSingleton<IEdgeEventStore>(sp => new SqliteEdgeEventStore(sp.GetRequiredService<LocalApiServices>().EdgeDatabase));
        s.AddDifyEdgeApi(configuration);
        s.PostConfigure<AdminOptions>(o => o.ApiKey = adminKey);
        // Browser chat UIs call the Service API from other origins, as they may with Dify.
        s.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _app.StopAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Not started, or shutdown took too long: dispose anyway.
        }
        finally
        {
            await _app.DisposeAsync();
            if (_services is { } s)
            {
                try
                {
                    await s.Engine.DisposeAsync();
                }
                catch (InvalidOperationException)
                {
                    // The engine never started.
                }
            }
        }
    }
}
