using System.Text.Json;
using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Files;
using Dify.Api.Http;
using Dify.Api.Runs;
using Dify.Storage.Conversations;
using Dify.Workflows.Hosting;

namespace Dify.Api.Completion;

/// <summary>
/// Starts one completion message. As in Dify, each message gets its own (hidden) conversation so the
/// message is stored, its answer recorded when the run ends, and feedback can be given on it.
/// </summary>
public sealed class CompletionStarter(IConversationStore conversations, RunLauncher launcher, FileInputResolver files, TimeProvider time)
{
    public async Task<LaunchedRun> StartAsync(ActiveApp app, EndUserRecord user, CompletionMessageBody body, CancellationToken cancellationToken)
    {
        launcher.EnsureCapacity(app);
        var inputs = RunLauncher.ValidateInputs(app, await files.ResolveInputsAsync(app, user, body.Inputs, cancellationToken));
        var sysFiles = await files.ResolveFilesAsync(app, user, body.Files, cancellationToken);
        var query = inputs["query"] is JsonValue q && q.GetValueKind() == JsonValueKind.String ? q.GetValue<string>() : "";
        var now = time.GetUtcNow();
        var conversation = new ConversationRecord(Guid.NewGuid().ToString(), app.Id, user.Id, "", inputs, "normal", now, now);
        await conversations.CreateAsync(conversation, [], cancellationToken);
        var runId = Guid.NewGuid().ToString();
        var message = new MessageRecord(Guid.NewGuid().ToString(), conversation.Id, app.Id, query, "", (JsonObject)inputs.DeepClone(), runId, "normal", null, 0, now);
        await conversations.AddMessageAsync(message, cancellationToken);
        return await launcher.LaunchAsync(app, user, new StartRunOptions
        {
            RunId = runId,
            Inputs = inputs,
            Files = sysFiles,
            ConversationId = conversation.Id,
        }, message.Id, cancellationToken);
    }
}
