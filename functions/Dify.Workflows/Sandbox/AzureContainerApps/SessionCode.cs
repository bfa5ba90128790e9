using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dify.Workflows.Sandbox.AzureContainerApps;

/// <summary>
/// The Python sent to a session: the user's code and inputs travel base64-encoded (no quoting issues); the wrapper
/// runs <c>main(**inputs)</c> (python3) or renders the template with jinja2's sandboxed environment (jinja2), and prints
/// <c>{"ok":…,"result"|"error":…}</c> between two copies of a per-call marker. <see cref="ReadOutcome"/> takes it back from stdout.
/// </summary>
internal static class SessionCode
{
    public static string Wrap(CodeLanguage language, string code, JsonObject inputs, string marker)
    {
        var codeB64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(code));
        var inputsB64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(inputs.ToJsonString()));
        var body = language == CodeLanguage.Jinja2
            ? """
                  import jinja2.sandbox as __dify_jinja
                  __dify_emit({"ok": True, "result": __dify_jinja.SandboxedEnvironment().from_string(__dify_code).render(**__dify_inputs)})
              """
            : """
                  __dify_scope = {"__name__": "__main__", "__builtins__": __builtins__}
                  exec(compile(__dify_code, "<code>", "exec"), __dify_scope)
                  __dify_main = __dify_scope.get("main")
                  if not callable(__dify_main):
                      __dify_emit({"ok": False, "error": "main function is not defined: the code must define def main(...) -> dict"})
                  else:
                      __dify_result = __dify_main(**__dify_inputs)
                      if not isinstance(__dify_result, dict):
                          __dify_emit({"ok": False, "error": "main must return a dict (JSON object), got " + type(__dify_result).__name__})
                      else:
                          __dify_emit({"ok": True, "result": __dify_result})
              """;
        return $$"""
            import base64 as __dify_b64, json as __dify_json, sys as __dify_sys
            __dify_code = __dify_b64.b64decode("{{codeB64}}").decode("utf-8")
            __dify_inputs = __dify_json.loads(__dify_b64.b64decode("{{inputsB64}}").decode("utf-8"))
            def __dify_emit(outcome):
                try:
                    text = __dify_json.dumps(outcome, ensure_ascii=False)
                except Exception as e:
                    text = __dify_json.dumps({"ok": False, "error": "main's result is not JSON serializable: " + str(e)})
                __dify_sys.stdout.write("\n{{marker}}" + text + "{{marker}}\n")
                __dify_sys.stdout.flush()
            try:
            {{body.TrimEnd()}}
            except BaseException as e:
                __dify_emit({"ok": False, "error": type(e).__name__ + ": " + str(e)})
            """;
    }

    /// <summary>The wrapper's outcome from stdout: (true, result) or (false, error); null when no complete marker pair is there.</summary>
    public static (bool Ok, JsonNode? Value)? ReadOutcome(string stdout, string marker)
    {
        var end = stdout.LastIndexOf(marker, StringComparison.Ordinal);
        if (end <= 0) return null;
        var start = stdout.LastIndexOf(marker, end - 1, StringComparison.Ordinal);
        if (start < 0) return null;
        try
        {
            var outcome = JsonNode.Parse(stdout.AsSpan(start + marker.Length, end - start - marker.Length).ToString()) as JsonObject;
            if (outcome?["ok"]?.GetValue<bool>() == true) return (true, outcome["result"]?.DeepClone());
            return (false, outcome?["error"]?.DeepClone());
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
