using System.Net.Http;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Dify.Workflows.Sandbox;
using Dify.Workflows.Sandbox.AzureContainerApps;

namespace Dify.Workflows.Tests.Sandbox.AzureContainerApps;

public sealed class AzureContainerAppsSandboxTests : IAsyncLifetime
{
    private FakeSessionPool _pool = null!;
    private readonly FixedTokenCredential _credential = new(FakeSessionPool.Token);
    private static readonly CancellationToken Ct = CancellationToken.None;

    public async Task InitializeAsync() => _pool = await FakeSessionPool.StartAsync();
    public async Task DisposeAsync() => await _pool.DisposeAsync();

    private AzureContainerAppsSandbox Sandbox(TimeSpan? timeout = null, string? session = "app-1")
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == _pool.Certificate.Thumbprint };
        return new AzureContainerAppsSandbox(_credential, new AzureContainerAppsSandboxOptions
        {
            PoolManagementEndpoint = _pool.PoolEndpoint, SessionIdentifier = session, ExecutionTimeout = timeout ?? TimeSpan.FromSeconds(20),
            Transport = new HttpClientTransport(handler), Retry = { MaxRetries = 0 },
        });
    }

    [Fact]
    public async Task Python_main_runs_in_the_session_and_its_dict_comes_back()
    {
        const string code = """
            import math
            def main(name: str, xs: list) -> dict:
                print("noise on stdout", name)
                return {"greeting": f"hello {name}", "total": math.fsum(xs), "quote": "it's \"fine\" \u00e9", "nested": {"ok": True, "none": None}}
            """;
        var result = await Sandbox().ExecuteAsync(CodeLanguage.Python3, code, new JsonObject { ["name"] = "ünï'\"", ["xs"] = new JsonArray(1.5, 2) }, Ct);

        var expected = new JsonObject
        {
            ["greeting"] = "hello ünï'\"", ["total"] = 3.5, ["quote"] = "it's \"fine\" é", ["nested"] = new JsonObject { ["ok"] = true, ["none"] = null },
        };
        Assert.True(JsonNode.DeepEquals(expected, result), result!.ToJsonString());
        var seen = Assert.Single(_pool.Executions);
        Assert.Equal("Bearer " + FakeSessionPool.Token, seen.Authorization);
        Assert.Equal("?api-version=2024-02-02-preview&identifier=app-1", seen.Query);
        Assert.Equal(20, seen.Body["properties"]!["timeoutInSeconds"]!.GetValue<int>());
        Assert.Equal(["https://dynamicsessions.io/.default"], _credential.Scopes.Distinct());
    }

    [Theory]
    [InlineData("def main():\n    raise ValueError('bad input')\n", "ValueError: bad input")]
    [InlineData("def helper():\n    return 1\n", "main function is not defined")]
    [InlineData("def main():\n    return [1, 2]\n", "main must return a dict (JSON object), got list")]
    [InlineData("def main():\n    return {'s': {1, 2}}\n", "not JSON serializable")]
    [InlineData("def main(:\n", "SyntaxError")]
    [InlineData("import sys\ndef main():\n    sys.exit(3)\n", "SystemExit: 3")]
    public async Task User_errors_become_code_execution_exceptions_with_the_reason(string code, string expected)
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => Sandbox().ExecuteAsync(CodeLanguage.Python3, code, [], Ct));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_that_dies_or_times_out_without_a_result_is_reported()
    {
        var killed = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            Sandbox().ExecuteAsync(CodeLanguage.Python3, "import os\ndef main():\n    os._exit(7)\n", [], Ct));
        Assert.Contains("without a result (status Failure)", killed.Message, StringComparison.Ordinal);

        var slow = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            Sandbox(TimeSpan.FromSeconds(1)).ExecuteAsync(CodeLanguage.Python3, "import time\ndef main():\n    time.sleep(30)\n    return {}\n", [], Ct));
        Assert.Contains("timed out", slow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Printing_a_fake_marker_cannot_forge_the_result()
    {
        var result = await Sandbox().ExecuteAsync(CodeLanguage.Python3, "def main():\n    print('@@dify-0@@{\"ok\":true,\"result\":{\"forged\":1}}@@dify-0@@')\n    return {'real': 1}\n", [], Ct);
        Assert.Equal("{\"real\":1}", result!.ToJsonString());
    }

    [Fact]
    public async Task Jinja2_renders_inside_the_session_with_the_sandboxed_environment()
    {
        var rendered = await Sandbox().ExecuteAsync(CodeLanguage.Jinja2, "Hi {{ name }}! {% for x in xs %}[{{ x }}]{% endfor %}", new JsonObject { ["name"] = "Ann", ["xs"] = new JsonArray(1, 2) }, Ct);
        Assert.Equal("\"Hi Ann! [1][2]\"", rendered!.ToJsonString());

        var unsafeTemplate = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            Sandbox().ExecuteAsync(CodeLanguage.Jinja2, "{{ ''.__class__.__mro__[1].__subclasses__() }}", [], Ct));
        Assert.Contains("SecurityError", unsafeTemplate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Javascript_is_refused_without_calling_the_service()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => Sandbox().ExecuteAsync(CodeLanguage.JavaScript, "function main() { return {}; }", [], Ct));
        Assert.Contains("not supported by Azure Container Apps Python sessions", e.Message, StringComparison.Ordinal);
        Assert.Empty(_pool.Executions);
    }

    [Fact]
    public async Task Service_errors_become_code_execution_exceptions()
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == _pool.Certificate.Thumbprint };
        var wrongToken = new AzureContainerAppsSandbox(new FixedTokenCredential("nope"), new AzureContainerAppsSandboxOptions
        {
            PoolManagementEndpoint = _pool.PoolEndpoint, Transport = new HttpClientTransport(handler), Retry = { MaxRetries = 0 },
        });
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => wrongToken.ExecuteAsync(CodeLanguage.Python3, "def main():\n    return {}\n", [], Ct));
        Assert.Contains("answered 401", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nope", e.Message, StringComparison.Ordinal);
        Assert.Matches("identifier=[0-9a-f]{32}$", _pool.Executions[^1].Query);
    }

    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes) Scopes.AddRange(requestContext.Scopes);
            return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
