using Dify.Storage.Apps;
using Dify.Workflows.Dsl;
using Dify.Workflows.Engine.Definition;

namespace Dify.Api.Apps;

/// <summary>An app as the API serves it: its record and the compiled definition of its current version.</summary>
public sealed record ActiveApp(AppRecord Record, WorkflowDefinition Definition)
{
    public string Id => Record.Id;

    /// <summary>Chatflow, chat and agent-chat apps: the ones behind /chat-messages and the conversation routes.</summary>
    public bool IsChatApp => Definition.Mode is AppMode.AdvancedChat or AppMode.Chat or AppMode.AgentChat;
}
