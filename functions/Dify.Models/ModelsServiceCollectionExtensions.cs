using Dify.Models.Chat;
using Dify.Models.Configuration;
using Dify.Models.Embeddings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dify.Models;

public static class ModelsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModelsOptions"/> from <paramref name="modelsSection"/> (the <c>Models</c> section,
    /// e.g. <c>configuration.GetSection("Models")</c>) and registers <see cref="ModelProviders"/> as the singleton
    /// <see cref="IModelProviders"/>, plus <see cref="IChatModel"/> and <see cref="IEmbeddingModel"/>.
    /// Uses ILoggerFactory when registered.
    /// </summary>
    public static IServiceCollection AddDifyModels(this IServiceCollection services, IConfiguration modelsSection)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(modelsSection);
        services.AddOptions<ModelsOptions>().Bind(modelsSection);
        services.TryAddSingleton(sp => new ModelProviders(
            sp.GetRequiredService<IOptions<ModelsOptions>>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IModelProviders>(sp => sp.GetRequiredService<ModelProviders>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IModelProviders>().Chat);
        services.TryAddSingleton(sp => sp.GetRequiredService<IModelProviders>().Embeddings);
        return services;
    }
}
