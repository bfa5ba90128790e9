using System.Text.Json.Nodes;
using Dify.Api.Apps;
using Dify.Api.Conversations;
using Dify.Api.Errors;
using Dify.Api.Files;
using Dify.Api.Http;
using Dify.Api.Runs;
using Dify.Storage.Conversations;
using Dify.Workflows.Hosting;
using Dify.Workflows.Nodes;

namespace Dify.Api.Chat;

/// <summary>
/// Starts one chatflow turn: finds or creates the conversation (new ones start with the DSL's
/// conversation variable defaults), records the message, and runs the app with the stored
/// conversation variables and the earlier turns as memory.
/// </summary>
public sealed class ChatTurnStarter(IConversationStore conversations, RunLauncher launcher, FileInputResolver files, ConversationNamer namer, TimeProvider time)
{
    public async Task<LaunchedRun> StartAsync(ActiveApp app, EndUserRecord user, ChatMessageBody body, CancellationToken cancellationToken)
    {
        var query = body.Query ?? throw ApiErrors.InvalidParam("query is required");
        launcher.EnsureCapacity(app);
        var now = time.GetUtcNow();
        ConversationRecord conversation;
        JsonObject variables;
        IReadOnlyList<ConversationTurn> history;
        if (!string.IsNullOrEmpty(body.ConversationId))
        {
            conversation = await conversations.GetAsync(app.Id, user.Id, body.ConversationId, cancellationToken) ?? throw ApiErrors.ConversationNotExists();
            variables = new JsonObject();
            foreach (var v in await conversations.GetVariablesAsync(conversation.Id, cancellationToken)) variables[v.Name] = v.Value?.DeepClone();
            history = (await conversations.HistoryAsync(conversation.Id, cancellationToken)).Select(m => new ConversationTurn(m.Query, m.Answer)).ToList();
        }
        else
        {
            var inputs = RunLauncher.ValidateInputs(app, await files.ResolveInputsAsync(app, user, body.Inputs, cancellationToken));
            var name = ConversationNamer.InitialName(query, body.AutoGenerateName ?? true);
            conversation = new ConversationRecord(Guid.NewGuid().ToString(), app.Id, user.Id, name, inputs, "normal", now, now);
            var defaults = app.Definition.Document.ConversationVariables
                .Select(v => new ConversationVariableRecord(v.Id, conversation.Id, v.Name, v.ValueType, v.Value?.DeepClone(), v.Description, now, now))
                .ToList();
            await conversations.CreateAsync(conversation, defaults, cancellationToken);
            variables = new JsonObject();
            foreach (var v in defaults) variables[v.Name] = v.Value?.DeepClone();
            history = [];
        }

        // Later turns keep the conversation's inputs, as Dify does.
        var runInputs = (JsonObject)conversation.Inputs.DeepClone();
        var runId = Guid.NewGuid().ToString();
        var message = new MessageRecord(Guid.NewGuid().ToString(), conversation.Id, app.Id, query, "", runInputs, runId, "normal", null, 0, now);
        await conversations.AddMessageAsync(message, cancellationToken);
        var launched = await launcher.LaunchAsync(app, user, new StartRunOptions
        {
            RunId = runId,
            Inputs = runInputs,
            Query = query,
            Files = await files.ResolveFilesAsync(app, user, body.Files, cancellationToken),
            ConversationId = conversation.Id,
            DialogueCount = history.Count + 1,
            ConversationVariables = variables,
            History = history,
        }, message.Id, cancellationToken);
        if (history.Count == 0 && (body.AutoGenerateName ?? true)) namer.NameInBackground(app, conversation, query);
        return launched;
    }
}
