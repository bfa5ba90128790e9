using Dify.Api.Apps;
using Dify.Api.Auth;
using Dify.Api.Chat;
using Dify.Api.Observability;
using Dify.Api.Messages;
using Dify.Api.Completion;
using Dify.Api.Files;
using Dify.Api.Runs;
using Dify.Workflows.Dsl;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dify.Api;

public static class DifyApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Service API's services. The host must also register the engine
    /// (WorkflowRunService, WorkflowAppLoader, IWorkflowCatalog, IRunEventLog) and the stores
    /// (IAppStore, IApiKeyStore, IEndUserStore, IConversationStore, IWorkflowRunIndex, IUploadFileStore,
    /// IMessageFeedbackStore, IConversationVariableWriter), the upload file storage (IFileContentStore) and IModelProviders.
    /// </summary>
    public static IServiceCollection AddDifyApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DifyApiOptions>().Bind(configuration.GetSection(DifyApiOptions.SectionName));
        services.AddOptions<FileUploadOptions>().Bind(configuration.GetSection(FileUploadOptions.SectionName));
        services.AddOptions<FileAccessOptions>().Bind(configuration.GetSection(FileAccessOptions.SectionName));
        services.AddOptions<AdminOptions>().Bind(configuration.GetSection(AdminOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DslExporter>();
        services.AddSingleton<ApiMetrics>();
        services.AddSingleton<AppRegistry>();
        services.AddSingleton<RunTracker>();
        services.AddHostedService(sp => sp.GetRequiredService<RunTracker>());
        services.AddSingleton<RunLauncher>();
        services.AddSingleton<RunEventStreamer>();
        services.AddSingleton<ChatTurnStarter>();
        services.AddSingleton<CompletionStarter>();
        services.AddSingleton<SuggestedQuestions>();
        services.AddSingleton<Conversations.ConversationNamer>();
        services.AddSingleton<FileUploader>();
        services.AddSingleton<FileUrlSigner>();
        services.AddSingleton<FileInputResolver>();
        services.AddSingleton<AppKeyFilter>();
        services.AddSingleton<AdminKeyFilter>();
        return services;
    }
}
