using Dify.Api.Auth;
using Dify.Api.Console;
using Dify.Api.Datasets;
using Dify.Knowledge.Datasets;
using Dify.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Api;

/// <summary>Registers and maps Dify's Knowledge (dataset) API: <c>/v1/datasets…</c> (dataset keys) and <c>/console/api/datasets/api-keys</c> (admin key).</summary>
public static class DatasetApiExtensions
{
    /// <summary>The Knowledge API's services over <paramref name="backend"/> (resolved once, after the host has started its engine).</summary>
    public static IServiceCollection AddDifyDatasetApi(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, DatasetApiBackend> backend)
    {
        services.AddSingleton(backend);
        services.AddSingleton<IDatasetKeyStore>(sp => new SqliteDatasetKeys(new SqliteDatasetKeyStore(sp.GetRequiredService<DatasetApiBackend>().ApiDatabase)));
        services.AddSingleton<DocumentSources>();
        services.AddSingleton<DocumentIndexingQueue>();
        services.AddHostedService(sp => sp.GetRequiredService<DocumentIndexingQueue>());
        services.AddSingleton<IDatasetBackend, SqliteDatasetBackend>();
        services.AddSingleton<IDatasetSegmentBackend, SqliteSegmentBackend>();
        services.AddSingleton(sp => sp.GetRequiredService<DatasetApiBackend>().Ingestor.Metadata);
        services.AddSingleton(sp => sp.GetRequiredService<DatasetApiBackend>().Ingestor.Tags);
        return services.AddDifyDatasetApiCore(configuration);
    }

    /// <summary>
    /// The handlers' services over an <see cref="IDatasetBackend"/> and <see cref="IDatasetKeyStore"/> the caller registers
    /// (the Azure composition). Without a <see cref="DatasetApiBackend"/>, <see cref="MapDifyDatasetApi"/> maps the core
    /// routes only: datasets, documents, indexing-status, retrieve and the console's dataset keys, plus segments and
    /// document status where the caller registers an <see cref="IDatasetSegmentBackend"/>, metadata where it registers a
    /// <see cref="DatasetMetadata"/> and tags where it registers <see cref="KnowledgeTags"/>.
    /// </summary>
    public static IServiceCollection AddDifyDatasetApiCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatasetApiOptions>().Bind(configuration.GetSection(DatasetApiOptions.SectionName));
        services.AddSingleton<DatasetKeyFilter>();
        services.AddSingleton<DocumentSubmission>();
        services.AddSingleton<DatasetNameGate>();
        return services;
    }

    public static IEndpointRouteBuilder MapDifyDatasetApi(this IEndpointRouteBuilder endpoints)
    {
        var v1 = endpoints.MapGroup("/v1");
        v1.AddEndpointFilter(new Resolved<DatasetKeyFilter>());
        DatasetEndpoints.Map(v1);
        DocumentEndpoints.Map(v1);
        RetrieveEndpoints.Map(v1);
        var registered = endpoints.ServiceProvider.GetService<IServiceProviderIsService>();
        if (registered?.IsService(typeof(IDatasetSegmentBackend)) == true)
        {
            DocumentStatusEndpoints.Map(v1);
            SegmentEndpoints.Map(v1);
        }
        if (registered?.IsService(typeof(DatasetMetadata)) == true) MetadataEndpoints.Map(v1);
        if (registered?.IsService(typeof(KnowledgeTags)) == true) TagEndpoints.Map(v1);
        // These routes read and edit the knowledge file's child chunks and embedding models directly.
        if (registered?.IsService(typeof(DatasetApiBackend)) == true)
        {
            ChildChunkEndpoints.Map(v1);
            EmbeddingModelEndpoints.Map(v1);
        }

        var console = endpoints.MapGroup("/console/api");
        console.AddEndpointFilter(new Resolved<AdminKeyFilter>());
        DatasetKeysEndpoints.Map(console);
        return endpoints;
    }

    /// <summary>Resolves the filter from the request's services (they are singletons).</summary>
    private sealed class Resolved<T> : IEndpointFilter where T : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            context.HttpContext.RequestServices.GetRequiredService<T>().InvokeAsync(context, next);
    }
}
