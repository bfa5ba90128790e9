using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;
using Dify.Workflows.Sandbox.Local;

namespace Dify.Workflows.Tests.Sandbox;

/// <summary>
/// One warm sandbox shared by a test class. python3 with jinja2 and node are hard requirements
/// (CI installs python3-jinja2), so a missing runtime fails the tests instead of skipping them.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public LocalCodeSandbox Sandbox { get; } = new(new LocalSandboxOptions());

    public Task<JsonNode?> RunAsync(CodeLanguage language, string code, JsonObject? inputs = null) =>
        Sandbox.ExecuteAsync(language, code, inputs ?? [], CancellationToken.None);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    // Sandbox test classes share one set of warm workers and do not compete for the 2 cores.
    public const string Name = "Sandbox";
}
