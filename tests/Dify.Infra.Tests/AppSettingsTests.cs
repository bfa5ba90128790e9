using System.Text.Json;

namespace Dify.Infra.Tests;

/// <summary>The function app's settings in Bicep and local.settings.sample.json agree, and docs cover them.</summary>
public sealed class AppSettingsTests
{
    /// <summary>Only meaningful on a local host: Flex takes the runtime from functionAppConfig; the
    /// storage connection string is the Shared Key path to Azurite (Azure uses endpoints + identity).</summary>
    private static readonly HashSet<string> LocalOnly = new(StringComparer.Ordinal)
    {
        "FUNCTIONS_WORKER_RUNTIME",
        "Storage__ConnectionString",
    };

    /// <summary>Only meaningful in Azure: App Insights with Entra ID auth (local telemetry needs none).</summary>
    private static readonly HashSet<string> AzureOnly = new(StringComparer.Ordinal)
    {
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    };

    /// <summary>The names the Functions project will read (the list).</summary>
    public static readonly string[] Required =
    [
        "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "DURABLE_TASK_SCHEDULER_CONNECTION_STRING", "TASKHUB_NAME",
        "Models__Default__Endpoint", "Models__Default__ApiKey", "Models__Default__Model", "Models__Embeddings__Model", "Knowledge__ReconcileSchedule",
        "Search__Endpoint", "Storage__BlobEndpoint", "Storage__TableEndpoint", "IoTHub__HostName",
        "IoTHub__EventHubConnection", "Admin__ApiKey", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AZURE_CLIENT_ID",
    ];

    [Fact]
    public void Local_sample_and_function_app_module_set_the_same_settings()
    {
        var azure = InfraChecks.FunctionAppSettings(Repo.Infra);
        Assert.Empty(InfraChecks.SettingsAgree(Repo.LocalSettingKeys(), azure, LocalOnly, AzureOnly));
    }

    [Fact]
    public void Every_required_setting_is_in_the_local_sample()
    {
        var local = Repo.LocalSettingKeys();
        Assert.Empty(Required.Where(k => !local.Contains(k)).ToList());
    }

    [Fact]
    public void Local_sample_uses_azurite_and_the_isolated_worker()
    {
        using var doc = JsonDocument.Parse(Repo.Read("local.settings.sample.json"));
        var values = doc.RootElement.GetProperty("Values");
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.All(values.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
    }

    [Fact]
    public void Docs_explain_every_setting()
    {
        var docs = Repo.Read("docs/deploy-azure.md");
        var settings = Repo.LocalSettingKeys().Concat(InfraChecks.FunctionAppSettings(Repo.Infra)).Distinct();
        Assert.Empty(settings.Where(k => !docs.Contains($"`{k}`", StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public void Settings_check_fails_when_the_two_sides_differ()
    {
        var problems = InfraChecks.SettingsAgree(
            local: ["AzureWebJobsStorage", "Search__Endpoint", "OnlyHere", "FUNCTIONS_WORKER_RUNTIME"],
            azure: ["AzureWebJobsStorage__credential", "Search__Endpoint", "OnlyThere", "Extra"],
            localOnly: new HashSet<string> { "FUNCTIONS_WORKER_RUNTIME" },
            azureOnly: new HashSet<string> { "Extra" });
        Assert.Equal(
        [
            "'OnlyHere' is in local.settings.sample.json but the function app module does not set it",
            "'OnlyThere' is set by the function app module but missing from local.settings.sample.json",
        ], problems);
    }
}
