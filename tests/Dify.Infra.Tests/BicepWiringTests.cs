using Dify.Infra.Tests.Bicep;

namespace Dify.Infra.Tests;

/// <summary>Modules, params, outputs and API versions across infra/**/*.bicep.</summary>
public sealed class BicepWiringTests
{
    [Fact]
    public void Main_reaches_every_bicep_file_under_infra()
    {
        var reached = Repo.Infra.Files.Select(f => Path.GetFullPath(f.Path)).ToHashSet(StringComparer.Ordinal);
        var onDisk = Directory.GetFiles(Repo.File("infra"), "*.bicep", SearchOption.AllDirectories).Select(Path.GetFullPath);
        Assert.Empty(onDisk.Where(p => !reached.Contains(p)).ToList());
        Assert.True(reached.Count >= 10, $"only {reached.Count} files reached");
    }

    [Fact]
    public void Main_is_subscription_scoped_and_every_module_has_a_scope()
    {
        var main = Repo.Infra.Entry;
        Assert.Contains("targetScope = 'subscription'", main.Text.Source, StringComparison.Ordinal);
        foreach (var module in main.Modules)
            Assert.True(main.Keys(module.BodyOpen).ContainsKey("scope"), $"module '{module.Symbol}' has no scope");
    }

    [Fact]
    public void Module_calls_pass_exactly_the_declared_params() => Assert.Empty(InfraChecks.ModuleParams(Repo.Infra));

    [Fact]
    public void Module_output_references_exist() => Assert.Empty(InfraChecks.ModuleOutputs(Repo.Infra));

    [Fact]
    public void Every_resource_has_an_api_version() => Assert.Empty(InfraChecks.ApiVersions(Repo.Infra));

    [Fact]
    public void Every_role_assignment_has_a_principal_and_a_declared_scope()
    {
        Assert.Empty(InfraChecks.RoleAssignments(Repo.Infra));
        var assignments = Repo.Infra.Files.SelectMany(f => f.Resources)
            .Count(r => r.Type == "Microsoft.Authorization/roleAssignments");
        Assert.True(assignments >= 8, $"only {assignments} role assignment declarations");
    }

    [Fact]
    public void Checks_fail_on_a_broken_module_call()
    {
        using var dir = new TempDir();
        dir.Write("child.bicep", """
            param name string
            param location string = 'x'
            output id string = name
            """);
        dir.Write("main.bicep", """
            module child 'child.bicep' = {
              name: 'child'
              params: {
                location: 'westeurope' // name is missing
                colour: 'blue'
              }
            }
            module gone 'missing.bicep' = {
              name: 'gone'
            }
            output a string = child.outputs.id
            output b string = child.outputs.nope
            output c string = '${other.outputs.x}'
            """);
        var tree = new BicepTree(dir.Path("main.bicep"));
        var paramProblems = InfraChecks.ModuleParams(tree);
        Assert.Contains(paramProblems, p => p.Contains("'colour'", StringComparison.Ordinal));
        Assert.Contains(paramProblems, p => p.Contains("required param 'name'", StringComparison.Ordinal));
        Assert.Contains(paramProblems, p => p.Contains("missing.bicep", StringComparison.Ordinal));
        Assert.Equal(3, paramProblems.Count);
        var outputProblems = InfraChecks.ModuleOutputs(tree);
        Assert.Contains(outputProblems, p => p.Contains("child.outputs.nope", StringComparison.Ordinal));
        Assert.Contains(outputProblems, p => p.Contains("other.outputs.x", StringComparison.Ordinal));
        Assert.Equal(2, outputProblems.Count);
    }

    [Fact]
    public void Checks_fail_on_missing_api_version_and_bad_role_assignments()
    {
        using var dir = new TempDir();
        dir.Write("main.bicep", """
            param principalId string
            resource st 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
              name: 'st'
            }
            resource nover 'Microsoft.KeyVault/vaults' = {
              name: 'kv'
            }
            resource good 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
              name: guid('a')
              scope: st
              properties: {
                principalId: principalId
                principalType: 'User'
                roleDefinitionId: 'x'
              }
            }
            resource badScope 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for i in range(0, 2): {
              name: guid('b', string(i))
              scope: vault
              properties: {
                principalType: 'User'
                roleDefinitionId: 'x'
                description: '{ not a brace }'
              }
            }]
            resource emptyPrincipal 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
              name: guid('c')
              properties: {
                principalId: ''
                principalType: 'User'
                roleDefinitionId: 'x'
              }
            }
            """);
        var tree = new BicepTree(dir.Path("main.bicep"));
        var api = InfraChecks.ApiVersions(tree);
        Assert.Equal("main.bicep: resource 'nover' type 'Microsoft.KeyVault/vaults' has no valid API version ('')", Assert.Single(api));
        var roles = InfraChecks.RoleAssignments(tree);
        Assert.Contains("main.bicep: role assignment 'badScope': scope 'vault' is not a resource declared in the file", roles);
        Assert.Contains("main.bicep: role assignment 'badScope': has no principalId", roles);
        Assert.Contains("main.bicep: role assignment 'emptyPrincipal': has no scope", roles);
        Assert.Contains("main.bicep: role assignment 'emptyPrincipal': principalId is empty", roles);
        Assert.Equal(4, roles.Count);
    }

    [Fact]
    public void Parser_ignores_braces_and_keys_in_strings_and_comments()
    {
        var file = BicepFile.Parse("""
            // module fake 'nope.bicep' = {
            /* param hidden string
               } */
            param real string = '}{'
            var s = '''
            param notAParam string
            '''
            resource r 'Microsoft.Web/sites@2024-04-01' = {
              name: 'a${real}}b'
              properties: {
                inner: { deep: 1 }
                'quoted-key': 'x: y'
              }
              tags: {}
            }
            output o string = '${r.name}'
            """);
        Assert.Equal(["real"], file.Params.Select(p => p.Name));
        Assert.Empty(file.Modules);
        var r = Assert.Single(file.Resources);
        Assert.Equal(("Microsoft.Web/sites", "2024-04-01"), (r.Type, r.ApiVersion));
        Assert.Equal(["name", "properties", "tags"], file.Keys(r.BodyOpen).Keys);
        Assert.Equal(["inner", "quoted-key"], file.Keys(file.ObjectValue(r.BodyOpen, "properties")).Keys);
        Assert.Equal(["o"], file.Outputs);
    }
}
