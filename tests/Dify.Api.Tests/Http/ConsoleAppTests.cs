using System.Text.Json.Nodes;
using Dify.Host.Cli;

namespace Dify.Api.Tests.Http;

public sealed class ConsoleAppTests
{
    [Fact]
    public async Task Import_list_export_and_delete_apps()
    {
        await using var api = await ApiHost.StartAsync();
        var yaml = ApiHost.Fixture("hello.yml");

        using var imported = await api.Admin(HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = yaml });
        var result = await ApiHost.JsonAsync(imported);
        Assert.Equal(200, (int)imported.StatusCode);
        Assert.Equal(("completed", "workflow", "0.6.0", "0.6.0"), (result["status"]!.GetValue<string>(), result["app_mode"]!.GetValue<string>(),
            result["current_dsl_version"]!.GetValue<string>(), result["imported_dsl_version"]!.GetValue<string>()));
        var appId = result["app_id"]!.GetValue<string>();
        Assert.NotNull(result["id"]);

        var list = await api.JsonAsync(HttpMethod.Get, "console/api/apps", ApiHost.AdminKey);
        var app = Assert.Single(list["data"]!.AsArray())!;
        Assert.Equal((appId, "hello", "workflow"), (app["id"]!.GetValue<string>(), app["name"]!.GetValue<string>(), app["mode"]!.GetValue<string>()));
        Assert.Equal(1, list["total"]!.GetValue<int>());

        var export = (await api.JsonAsync(HttpMethod.Get, $"console/api/apps/{appId}/export", ApiHost.AdminKey))["data"]!.GetValue<string>();
        Assert.Contains("name: hello", export);
        Assert.Contains("template-transform", export);
        using var reimported = await api.Admin(HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = export });
        Assert.Equal(200, (int)reimported.StatusCode);

        using var deleted = await api.Admin(HttpMethod.Delete, $"console/api/apps/{appId}");
        Assert.Equal(204, (int)deleted.StatusCode);
        using var again = await api.Admin(HttpMethod.Delete, $"console/api/apps/{appId}");
        Assert.Equal(404, (int)again.StatusCode);
        Assert.Single((await api.JsonAsync(HttpMethod.Get, "console/api/apps", ApiHost.AdminKey))["data"]!.AsArray());
    }

    [Fact]
    public async Task An_invalid_app_file_fails_with_every_problem()
    {
        await using var api = await ApiHost.StartAsync();
        const string yaml = """
            version: 0.6.0
            kind: app
            app: {mode: workflow, name: broken}
            workflow:
              graph:
                nodes:
                - id: start
                  data: {type: start, title: Start, variables: []}
                - id: t
                  data: {type: template-transform, title: T, template: '{{ x }}', variables: [{variable: x, value_selector: [ghost, out]}]}
                - id: end
                  data: {type: end, title: End, outputs: [{variable: o, value_selector: [nowhere, out]}]}
                edges:
                - {source: start, target: t}
                - {source: t, target: end}
            """;

        using var response = await api.Admin(HttpMethod.Post, "console/api/apps/imports", new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = yaml });
        var result = await ApiHost.JsonAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("failed", result["status"]!.GetValue<string>());
        Assert.Null(result["app_id"]);
        var error = result["error"]!.GetValue<string>();
        Assert.Contains("ghost", error);
        Assert.Contains("nowhere", error);
        Assert.Empty((await api.JsonAsync(HttpMethod.Get, "console/api/apps", ApiHost.AdminKey))["data"]!.AsArray());
    }

    [Fact]
    public async Task Cli_imports_an_app_that_the_server_then_runs_and_apps_survive_a_restart()
    {
        using var data = new Dify.Testing.TempDirectory("dify-api-cli");
        var file = Path.Combine(AppContext.BaseDirectory, "Fixtures", "hello.yml");
        var (code, stdout, stderr) = await CliAsync("apps", "import", file, "--data", data.Path);
        Assert.True(code == 0, stderr);
        var imported = JsonNode.Parse(stdout)!.AsObject();
        var appId = imported["app_id"]!.GetValue<string>();
        var key = imported["api_key"]!.GetValue<string>();
        Assert.StartsWith("app-", key);

        var (listCode, list, _) = await CliAsync("apps", "list", "--data", data.Path);
        Assert.Equal(0, listCode);
        Assert.Equal(appId, JsonNode.Parse(list)![0]!["id"]!.GetValue<string>());
        var (exportCode, yaml, _) = await CliAsync("apps", "export", appId, "--data", data.Path);
        Assert.Equal(0, exportCode);
        Assert.Contains("name: hello", yaml);

        string runId;
        await using (var api = await ApiHost.StartAsync(dataDirectory: data.Path))
        {
            var run = await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Cli" }, ["user"] = "u" });
            Assert.Equal("Hello, Cli!", run["data"]!["outputs"]!["greeting"]!.GetValue<string>());
            runId = run["workflow_run_id"]!.GetValue<string>();
            var info = await api.JsonAsync(HttpMethod.Get, "v1/info", key);
            Assert.Equal(("hello", "workflow"), (info["name"]!.GetValue<string>(), info["mode"]!.GetValue<string>()));
        }
        await using (var restarted = await ApiHost.StartAsync(dataDirectory: data.Path))
        {
            Assert.Equal("succeeded", (await restarted.JsonAsync(HttpMethod.Get, $"v1/workflows/run/{runId}", key))["status"]!.GetValue<string>());
            var run = await restarted.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Again" }, ["user"] = "u" });
            Assert.Equal("Hello, Again!", run["data"]!["outputs"]!["greeting"]!.GetValue<string>());
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
