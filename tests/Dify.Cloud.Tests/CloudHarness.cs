using System.Collections.Concurrent;
using System.Text.Json;
using Dify.Cloud.Configuration;
using Dify.Durable;
using Dify.Durable.Embedded;
using Dify.Knowledge.AzureSearch.Tests.Server;
using Dify.Storage.Tests.Azurite;
using Dify.Testing;
using Dify.Testing.OpenAiCompatible;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dify.Cloud.Tests;

/// <summary>
/// <c>AddDifyCloud</c> as the Functions app uses it, on real local servers: Azurite (own table prefix per harness), the
/// OpenAI-compatible server, the AI Search REST server. The embedded durable runtime plays Durable Functions, with the
/// node activity's input and result serialised to JSON and back as Durable would; a Kestrel catch-all endpoint hands
/// every request to <see cref="Http.DifyHttpPipeline"/> as the Functions HTTP trigger does.
/// </summary>
internal sealed class CloudHarness : IAsyncDisposable
{
    public const string AdminKey = "admin-test-key-0123456789";

    private readonly WebApplication _app;
    private readonly TempDirectory _temp;

    private readonly bool _ownsSearch;

    private CloudHarness(WebApplication app, TempDirectory temp, OpenAiCompatibleServer models, SearchServer search, bool ownsSearch)
    {
        _ownsSearch = ownsSearch;
        _app = app;
        _temp = temp;
        Models = models;
        Search = search;
        _http = new Lazy<HttpClient>(() => new HttpClient
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/"),
        });
    }

    private readonly Lazy<HttpClient> _http;

    public OpenAiCompatibleServer Models { get; }
    public SearchServer Search { get; }
    public HttpClient Http => _http.Value;
    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Node activity payloads that did not survive JSON unchanged (Durable would have changed them).</summary>
    public ConcurrentQueue<string> RoundTripProblems { get; } = new();
    public int RoundTrips;

    /// <param name="sharedSearch">An AI Search server another harness also uses (a second instance of the same app); the caller disposes it.</param>
    public static async Task<CloudHarness> StartAsync(
        AzuriteFixture azurite, IDictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null, SearchServer? sharedSearch = null)
    {
        var temp = new TempDirectory("dify-cloud");
        var models = await OpenAiCompatibleServer.StartAsync();
        var search = sharedSearch ?? await SearchServer.StartAsync();
        var settings = new Dictionary<string, string?>(models.ModelsConfiguration("test-key"))
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..10],
            ["Search:Endpoint"] = search.Endpoint.ToString(),
            ["Search:ApiKey"] = search.ApiKey,
            ["Search:IndexName"] = "knowledge",
            ["Models:Embeddings:WorkDirectory"] = temp.Combine("knowledge"),
            ["Admin:ApiKey"] = AdminKey,
        };
        models.ExpectedApiKey = "test-key";
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) settings[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        builder.Services.AddDifyCloud(configuration);
        builder.Services.PostConfigure<CloudSearchOptions>(o =>
        {
            o.ClientOptions.Transport = search.Transport();
            o.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(5);
        });
        builder.Services.AddSingleton(sp => new EmbeddedDurableRuntime(
            new EmbeddedRuntimeOptions { DatabasePath = temp.Combine("durable.db"), SerializerOptions = WorkflowOrchestrator.SerializerOptions },
            sp.GetRequiredService<ILogger<EmbeddedDurableRuntime>>()));
        builder.Services.AddSingleton<IOrchestrationClient>(sp => sp.GetRequiredService<EmbeddedDurableRuntime>());
        var app = builder.Build();
        app.Map("/{**path}", context => context.RequestServices.GetRequiredService<Http.DifyHttpPipeline>().InvokeAsync(context));

        var harness = new CloudHarness(app, temp, models, search, ownsSearch: sharedSearch is null);
        var runtime = app.Services.GetRequiredService<EmbeddedDurableRuntime>();
        var orchestrator = app.Services.GetRequiredService<WorkflowOrchestrator>();
        var activity = app.Services.GetRequiredService<NodeActivity>();
        runtime.RegisterOrchestrator(WorkflowOrchestrator.Name, orchestrator.RunJsonAsync);
        runtime.RegisterActivity(NodeActivity.Name, async (_, input, ct) =>
            harness.RoundTrip(await activity.ExecuteAsync(harness.RoundTrip((NodeActivityInput)input!), ct)));
        await app.StartAsync();
        return harness;
    }

    /// <summary>What Durable does to a payload: JSON out, JSON in. Records any difference a second trip would show.</summary>
    private T RoundTrip<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, WorkflowOrchestrator.SerializerOptions);
        var copy = JsonSerializer.Deserialize<T>(json, WorkflowOrchestrator.SerializerOptions)!;
        var again = JsonSerializer.Serialize(copy, WorkflowOrchestrator.SerializerOptions);
        if (again != json) RoundTripProblems.Enqueue($"{typeof(T).Name}: {json} became {again}");
        Interlocked.Increment(ref RoundTrips);
        return copy;
    }

    public async ValueTask DisposeAsync()
    {
        if (_http.IsValueCreated) _http.Value.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Models.DisposeAsync();
        if (_ownsSearch) await Search.DisposeAsync();
        _temp.Dispose();
    }
}
