using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dify.Infra.Tests;

/// <summary>azure.yaml, main.parameters.json and the hook scripts against main.bicep.</summary>
public sealed partial class AzdTests
{
    /// <summary>Hook inputs that are not Bicep outputs: set by the user (azd env set), azd or the shell.</summary>
    private static readonly HashSet<string> HookInputs = new(StringComparer.Ordinal)
    {
        "ADMIN_API_KEY", "BLOB_TRIGGER_FUNCTION_NAME", "IOT_EDGE_DEVICE_ID", "EDGE_MODULE_IMAGE_NAME", "EDGE_IMAGE_TAG",
        "EDGE_PLATFORM", "EDGE_REGISTRY_USERNAME", "EDGE_REGISTRY_PASSWORD", "BASH_VERSION", "TMPDIR",
    };

    private static readonly string[] HookScripts =
    [
        "infra/hooks/postprovision.sh", "infra/hooks/postprovision.ps1", "infra/hooks/postdeploy.sh", "infra/hooks/postdeploy.ps1",
    ];

    [Fact]
    public void Azure_yaml_hooks_point_to_existing_scripts_with_both_variants()
    {
        var yaml = Repo.Read("azure.yaml");
        var runs = RunRegex().Matches(yaml).Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(4, runs.Count);
        Assert.All(runs, r => Assert.True(File.Exists(Repo.File(r)), $"{r} does not exist"));
        Assert.Equal(HookScripts.Order(StringComparer.Ordinal), runs.Select(r => r.TrimStart('.', '/')).Order(StringComparer.Ordinal));
        Assert.Contains("shell: sh", yaml, StringComparison.Ordinal);
        Assert.Contains("shell: pwsh", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_yaml_service_matches_the_tagged_function_app()
    {
        var yaml = Repo.Read("azure.yaml");
        Assert.Matches(@"(?m)^services:\s*\n  functions:\s*\n    project: \./functions/Dify\.Functions\s*\n    language: dotnet\s*\n    host: function", yaml);
        Assert.Matches(@"(?m)^infra:\s*\n  provider: bicep\s*\n  path: infra\s*\n  module: main", yaml);
        var main = Repo.Infra.Entry;
        Assert.Contains("var serviceName = 'functions'", main.Text.Source, StringComparison.Ordinal);
        Assert.Contains("SERVICE_FUNCTIONS_NAME", main.Outputs);
        Assert.Contains("AZURE_FUNCTION_APP_NAME", main.Outputs);
        var functions = Repo.Read("infra/app/functions.bicep");
        Assert.Contains("'azd-service-name': serviceName", functions, StringComparison.Ordinal);
    }

    [Fact]
    public void Hook_scripts_read_only_outputs_of_main_bicep_or_documented_inputs()
    {
        var outputs = Repo.Infra.Entry.Outputs.ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var script in HookScripts)
        {
            var reads = InfraChecks.HookReads(Repo.Read(script), powershell: script.EndsWith(".ps1", StringComparison.Ordinal));
            Assert.NotEmpty(reads);
            problems.AddRange(reads.Where(n => !outputs.Contains(n) && !HookInputs.Contains(n)).Select(n => $"{script}: reads {n}, which main.bicep does not output"));
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void Hook_variants_read_the_same_variables()
    {
        foreach (var name in new[] { "postprovision", "postdeploy" })
        {
            var sh = InfraChecks.HookReads(Repo.Read($"infra/hooks/{name}.sh"), powershell: false).Except(["BASH_VERSION", "TMPDIR"]);
            var ps = InfraChecks.HookReads(Repo.Read($"infra/hooks/{name}.ps1"), powershell: true);
            Assert.Equal(sh.Order(StringComparer.Ordinal), ps.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Docs_name_every_hook_input()
    {
        var docs = Repo.Read("docs/deploy-azure.md");
        Assert.Empty(HookInputs.Except(["BASH_VERSION", "TMPDIR"]).Where(n => !docs.Contains(n, StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public void Hook_read_check_sees_undeclared_names()
    {
        var reads = InfraChecks.HookReads("""
            #!/bin/bash
            # $IGNORED_IN_COMMENT
            LOCAL_ONE=1
            echo "$LOCAL_ONE ${AZURE_SOMETHING:?} $lower ${OTHER_THING:-x}"
            """, powershell: false);
        Assert.Equal(["AZURE_SOMETHING", "OTHER_THING"], reads.Order(StringComparer.Ordinal));
        Assert.Equal(["AZURE_X"], InfraChecks.HookReads("$a = $env:AZURE_X\n  # $env:NOT_THIS", powershell: true));
    }

    [Fact]
    public void Parameters_file_matches_main_bicep_params()
    {
        using var doc = JsonDocument.Parse(Repo.Read("infra/main.parameters.json"));
        var given = doc.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString());
        var declared = Repo.Infra.Entry.Params.ToDictionary(p => p.Name);
        Assert.Empty(given.Keys.Where(k => !declared.ContainsKey(k)).ToList());
        Assert.Empty(declared.Values.Where(p => !p.Optional && !given.ContainsKey(p.Name)).Select(p => p.Name));
        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["principalId"]);
    }

    [Fact]
    public void Main_outputs_name_the_environment_values_the_docs_promise()
    {
        var outputs = Repo.Infra.Entry.Outputs;
        string[] expected =
        [
            "AZURE_FUNCTION_APP_NAME", "SERVICE_FUNCTIONS_NAME", "SERVICE_FUNCTIONS_URI", "AZURE_RESOURCE_GROUP",
            "AZURE_CONTAINER_REGISTRY_ENDPOINT", "AZURE_IOT_HUB_NAME", "AZURE_SEARCH_ENDPOINT", "AZURE_OPENAI_ENDPOINT",
            "AZURE_KEY_VAULT_NAME", "AZURE_STORAGE_BLOB_ENDPOINT",
        ];
        Assert.Empty(expected.Where(e => !outputs.Contains(e)).ToList());
        Assert.Equal(outputs.Count, outputs.Distinct().Count());
    }

    [GeneratedRegex(@"run:\s*(?<path>\S+)")]
    private static partial Regex RunRegex();
}
