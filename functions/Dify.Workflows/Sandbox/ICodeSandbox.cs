using System.Text.Json.Nodes;

namespace Dify.Workflows.Sandbox;

public enum CodeLanguage { Python3, JavaScript, Jinja2 }

/// <summary>
/// Runs user code away from the host process. python3/javascript: defines main(...) and the
/// sandbox returns main's result (a JSON object). jinja2: renders the template with the inputs
/// and returns a JSON string value.
/// </summary>
public interface ICodeSandbox
{
    Task<JsonNode?> ExecuteAsync(CodeLanguage language, string code, JsonObject inputs, CancellationToken cancellationToken);
}

/// <summary>The user's code failed (exception, timeout, memory, output too large). The message is shown to the user.</summary>
public sealed class CodeExecutionException(string message, Exception? inner = null) : Exception(message, inner);
