using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Dify.Workflows.Sandbox.AzureContainerApps;

/// <summary>
/// Code nodes in Azure Container Apps dynamic sessions (Python code interpreter pools):
/// <c>POST {pool}/code/execute?api-version=…&amp;identifier={session}</c> with a bearer token for
/// <c>https://dynamicsessions.io/.default</c>. python3 runs <c>main(**inputs)</c>, jinja2 renders inside the session;
/// javascript is refused (the pools run Python). Every failure is a <see cref="CodeExecutionException"/>.
/// </summary>
public sealed class AzureContainerAppsSandbox : ICodeSandbox
{
    public const string TokenScope = "https://dynamicsessions.io/.default";

    private readonly HttpPipeline _pipeline;
    private readonly AzureContainerAppsSandboxOptions _options;
    private readonly Uri _endpoint;
    private readonly string _session;

    /// <param name="credential">An identity with the "Azure ContainerApps Session Executor" role on the pool (e.g. managed identity).</param>
    public AzureContainerAppsSandbox(TokenCredential credential, AzureContainerAppsSandboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = options.PoolManagementEndpoint ?? throw new ArgumentException("PoolManagementEndpoint is required.", nameof(options));
        _options = options;
        _session = options.SessionIdentifier ?? Guid.NewGuid().ToString("N");
        _pipeline = HttpPipelineBuilder.Build(options, [], [new BearerTokenAuthenticationPolicy(credential, TokenScope)], new ResponseClassifier());
    }

    /// <summary>The session this sandbox runs code in.</summary>
    public string SessionIdentifier => _session;

    public async Task<JsonNode?> ExecuteAsync(CodeLanguage language, string code, JsonObject inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(inputs);
        if (language == CodeLanguage.JavaScript)
        {
            throw new CodeExecutionException("javascript is not supported by Azure Container Apps Python sessions; use python3 for code nodes in Azure.");
        }
        var marker = "@@dify-" + Guid.NewGuid().ToString("N") + "@@";
        var properties = await PostAsync(SessionCode.Wrap(language, code, inputs, marker), cancellationToken).ConfigureAwait(false);
        var stdout = properties["stdout"]?.GetValue<string>() ?? "";
        if (stdout.Length > _options.MaxOutputChars)
        {
            throw new CodeExecutionException($"Output is too large: {stdout.Length} characters (limit {_options.MaxOutputChars}).");
        }
        switch (SessionCode.ReadOutcome(stdout, marker))
        {
            case (true, var result) when language == CodeLanguage.Jinja2:
                return JsonValue.Create(result?.GetValue<string>() ?? "");
            case (true, JsonObject result):
                return result;
            case (false, var error):
                throw new CodeExecutionException(error?.ToString() ?? "The code failed.");
            default:
                var status = properties["status"]?.ToString() ?? "unknown";
                var stderr = properties["stderr"]?.ToString() ?? "";
                throw new CodeExecutionException($"The session ended the execution without a result (status {status}){(stderr.Length > 0 ? ": " + Tail(stderr) : ".")}");
        }
    }

    private async Task<JsonObject> PostAsync(string code, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_endpoint);
        request.Uri.AppendPath("/code/execute", escape: false);
        request.Uri.AppendQuery("api-version", _options.ApiVersion);
        request.Uri.AppendQuery("identifier", _session);
        request.Headers.SetValue("Content-Type", "application/json");
        request.Headers.SetValue("Accept", "application/json");
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["codeInputType"] = "inline",
                ["executionType"] = "synchronous",
                ["timeoutInSeconds"] = (int)Math.Ceiling(_options.ExecutionTimeout.TotalSeconds),
                ["code"] = code,
            },
        };
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToJsonString()));
        message.NetworkTimeout = _options.ExecutionTimeout + TimeSpan.FromSeconds(30);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is OperationCanceledException or RequestFailedException or AggregateException or IOException or InvalidOperationException)
        {
            throw new CodeExecutionException($"The code session could not be reached: {e.Message}", e);
        }
        var response = message.Response;
        var text = response.Content.ToString();
        if (response.Status is < 200 or >= 300)
        {
            throw new CodeExecutionException($"The code session service answered {response.Status}{(text.Length > 0 ? ": " + Tail(text) : ".")}");
        }
        try
        {
            var root = JsonNode.Parse(text) as JsonObject;
            return root?["properties"] as JsonObject ?? root ?? throw new CodeExecutionException("The code session service answered with no result.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CodeExecutionException("The code session service answered with something that is not JSON.", e);
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text.Trim() : "…" + text[^2000..].Trim();
}
