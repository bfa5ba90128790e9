using System.Text.RegularExpressions;
using Dify.Workflows.Engine;
using Dify.Workflows.Engine.Runtime;

namespace Dify.Cloud.Engine;

/// <summary>
/// Durable Functions names orchestrations and activities after their functions, and function names allow only letters,
/// digits, '_' and '-' (the engine's names contain dots). The Durable adapters translate with <see cref="Of"/>; the
/// function attributes use the constants.
/// </summary>
public static partial class DurableFunctionNames
{
    /// <summary>The orchestrator function running <see cref="WorkflowOrchestrator"/>.</summary>
    public const string Workflow = "dify_workflow";

    /// <summary>The activity function running <see cref="NodeActivity"/>.</summary>
    public const string Node = "dify_node";

    /// <summary>The function name for an engine name (<c>dify.workflow</c> → <c>dify_workflow</c>).</summary>
    public static string Of(string engineName)
    {
        ArgumentException.ThrowIfNullOrEmpty(engineName);
        var name = engineName.Replace('.', '_');
        if (!ValidName().IsMatch(name)) throw new ArgumentException($"'{engineName}' cannot be a function name (letters, digits, '_' and '-', starting with a letter).", nameof(engineName));
        return name;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,127}$")]
    public static partial Regex ValidName();
}
