using System.Text.Json.Nodes;
using Dify.Testing;

namespace Dify.Host.Tests;

/// <summary>The `run` command as a user types it: outputs on stdout, problems on stderr, exit codes.</summary>
public sealed class CliTests
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dify.Functions.sln"))) dir = dir.Parent;
        return Path.Combine(dir!.FullName, relative);
    }

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Cli.CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Runs_the_hello_sample_and_prints_outputs_as_json()
    {
        using var dir = new TempDirectory();
        var (code, stdout, stderr) = await Run("run", RepoFile("samples/hello.yml"), "--inputs", """{"name":"Ada"}""", "--data", dir.Path);
        Assert.True(code == 0, stderr);
        Assert.Equal("""{"greeting":"Hello, Ada!"}""", stdout.Trim());
    }

    [Fact]
    public async Task Stream_prints_one_json_line_per_event_then_the_outputs()
    {
        using var dir = new TempDirectory();
        var (code, stdout, _) = await Run("run", RepoFile("samples/hello.yml"), "--inputs", """{"name":"Bo"}""", "--stream", "--data", dir.Path);
        Assert.Equal(0, code);
        var lines = stdout.Trim().Split('\n').Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("workflow_started", lines[0]["event"]!.ToString());
        Assert.Equal("workflow_finished", lines[^2]["event"]!.ToString());
        Assert.Equal("Hello, Bo!", string.Concat(lines.Where(l => l["event"]?.ToString() == "text_chunk").Select(l => l["data"]!["text"]!.ToString())));
        Assert.Equal("Hello, Bo!", lines[^1]["greeting"]!.ToString());
    }

    [Fact]
    public async Task Chatflow_prints_the_answer()
    {
        using var dir = new TempDirectory();
        var (code, stdout, stderr) = await Run("run", RepoFile("tests/Dify.Workflows.Tests/Engine/Fixtures/chat_state.yml"), "--query", "hey", "--data", dir.Path);
        Assert.True(code == 0, stderr);
        Assert.Equal("Hello, turn 1: hey\n- hey", JsonNode.Parse(stdout)!["answer"]!.ToString());
    }

    [Fact]
    public async Task Invalid_app_lists_every_problem_with_node_and_field_and_exits_2()
    {
        using var dir = new TempDirectory();
        var app = dir.Combine("bad.yml");
        File.WriteAllText(app, """
            version: 0.6.0
            kind: app
            app: {mode: workflow, name: bad}
            workflow:
              graph:
                nodes:
                - id: start
                  data: {type: start, title: Start, variables: []}
                - id: code1
                  data: {type: code, title: Code, code_language: python3, outputs: {}}
                - id: mystery
                  data: {type: teleport, title: Teleport}
                edges:
                - {source: start, target: code1}
                - {source: code1, target: nowhere}
            """);
        var (code, _, stderr) = await Run("run", app, "--data", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("bad.yml: node 'mystery'", stderr);
        Assert.Contains("teleport", stderr);
        Assert.Contains("nowhere", stderr);
    }

    [Fact]
    public async Task Missing_required_input_exits_2_with_difys_message()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = await Run("run", RepoFile("tests/Dify.Workflows.Tests/Engine/Fixtures/loop.yml"), "--data", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("limit is required in input form", stderr);
    }

    [Fact]
    public async Task A_failed_run_exits_1_with_the_error_on_stderr()
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = await Run("run", RepoFile("tests/Dify.Workflows.Tests/Engine/Fixtures/tool_node.yml"), "--data", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("provider not available", stderr);
    }

    [Fact]
    public async Task Bad_inputs_json_is_a_usage_error()
    {
        var (code, _, stderr) = await Run("run", RepoFile("samples/hello.yml"), "--inputs", "{nope");
        Assert.Equal(2, code);
        Assert.Contains("--inputs is not valid JSON", stderr);
    }
}
