using System.Text.RegularExpressions;

namespace Dify.Infra.Tests;

/// <summary>The settings the issue and the Azure reference ask for, read from the module files.</summary>
public sealed partial class ResourceSettingsTests
{
    /// <summary>Role definition ids as the reference (shared/AZURE-REFERENCE.md §3, §4, §7) gives them.</summary>
    private static readonly Dictionary<string, string> ReferenceRoleIds = new(StringComparer.Ordinal)
    {
        ["storageBlobDataOwner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["storageQueueDataContributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["storageTableDataContributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["monitoringMetricsPublisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
        ["durableTaskDataContributor"] = "0ad04412-c4d5-4796-b79c-f76d14c8d402",
        ["searchIndexDataContributor"] = "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
        ["cognitiveServicesOpenAIUser"] = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd",
    };

    [Fact]
    public void Role_ids_match_the_reference_and_are_guids()
    {
        var rbac = Repo.Read("infra/app/rbac.bicep");
        var roles = RoleLineRegex().Matches(rbac).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["id"].Value);
        foreach (var (name, id) in ReferenceRoleIds)
            Assert.Equal(id, roles.GetValueOrDefault(name));
        Assert.Equal(roles.Count, roles.Values.Distinct().Count());
        // Every role used in an assignment is one of the table's names.
        var used = RoleUseRegex().Matches(rbac).Select(m => m.Groups["name"].Value).ToHashSet();
        Assert.Empty(used.Where(u => !roles.ContainsKey(u)).ToList());
        Assert.Empty(roles.Keys.Where(r => !used.Contains(r)).ToList());
    }

    [Theory]
    [InlineData("infra/core/storage/storage.bicep", "allowSharedKeyAccess: false")]
    [InlineData("infra/core/storage/storage.bicep", "minimumTlsVersion: 'TLS1_2'")]
    [InlineData("infra/core/storage/storage.bicep", "allowBlobPublicAccess: false")]
    [InlineData("infra/core/search/search.bicep", "disableLocalAuth: true")]
    [InlineData("infra/core/search/search.bicep", "semanticSearch: semanticSearch")]
    [InlineData("infra/core/ai/openai.bicep", "disableLocalAuth: true")]
    [InlineData("infra/core/ai/openai.bicep", "customSubDomainName: name")]
    [InlineData("infra/core/security/keyvault.bicep", "enableRbacAuthorization: true")]
    [InlineData("infra/core/registry/registry.bicep", "adminUserEnabled: false")]
    [InlineData("infra/core/monitor/monitoring.bicep", "DisableLocalAuth: true")]
    [InlineData("infra/app/functions.bicep", "kind: 'functionapp,linux'")]
    [InlineData("infra/app/functions.bicep", "name: 'FC1'")]
    [InlineData("infra/app/functions.bicep", "tier: 'FlexConsumption'")]
    [InlineData("infra/app/functions.bicep", "name: 'dotnet-isolated'")]
    [InlineData("infra/app/functions.bicep", "version: '10.0'")]
    [InlineData("infra/app/functions.bicep", "type: 'UserAssignedIdentity'")]
    [InlineData("infra/app/functions.bicep", "keyVaultReferenceIdentity: identityId")]
    [InlineData("infra/core/iot/iothub.bicep", "name: '$fallback'")]
    [InlineData("infra/core/events/blob-events-topic.bicep", "topicType: 'Microsoft.Storage.StorageAccounts'")]
    public void Module_sets(string file, string line) =>
        Assert.Contains(Repo.Read(file).Split('\n'), l => l.Trim() == line);

    [Fact]
    public void Storage_holds_the_app_containers_and_the_deployment_container()
    {
        var main = Repo.Read("infra/main.bicep");
        foreach (var container in new[] { "documents", "templates", "files", "deployments" })
            Assert.Contains($"ContainerName string = '{container}'", main, StringComparison.Ordinal);
        Assert.Contains("deploymentContainerName: deploymentsContainerName", main, StringComparison.Ordinal);
    }

    [Fact]
    public void Flex_app_settings_leave_the_runtime_to_function_app_config()
    {
        var settings = InfraChecks.FunctionAppSettings(Repo.Infra);
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings);
        Assert.DoesNotContain("AzureWebJobsStorage", settings);
        Assert.Contains("AzureWebJobsStorage__credential", settings);
    }

    [Fact]
    public void Secrets_reach_the_app_only_as_key_vault_references()
    {
        var functions = Repo.Read("infra/app/functions.bicep");
        Assert.Matches(@"Admin__ApiKey: '@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=\$\{adminApiKeySecretName\}\)'", functions);
        Assert.Matches(@"IoTHub__EventHubConnection: '@Microsoft\.KeyVault\(VaultName=\$\{keyVaultName\};SecretName=\$\{iotHubEventsSecretName\}\)'", functions);
        Assert.DoesNotContain("listKeys", functions, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+(?<name>\w+): '(?<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'\s*$", RegexOptions.Multiline)]
    private static partial Regex RoleLineRegex();

    [GeneratedRegex(@"roles\.(?<name>\w+)")]
    private static partial Regex RoleUseRegex();
}
