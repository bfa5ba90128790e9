using Dify.Storage.Apps;
using Dify.Workflows.Engine.Definition;

namespace Dify.Api.Apps;

/// <summary>An app as the API serves it: its record and the compiled definition of its current version.</summary>
public sealed record ActiveApp(AppRecord Record, WorkflowDefinition Definition)
{
    public string Id => Record.Id;
}
