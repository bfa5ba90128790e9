using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Azure.Core;
using Dify.Api.Apps;
using Dify.Storage.Tests.Azurite;
using Dify.Workflows.Engine.Runtime;
using Dify.Workflows.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Cloud.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ConfigurationTests(AzuriteFixture azurite)
{
    /// <summary>Stands in for the managed identity: hands out one token and counts the requests for it.</summary>
    private sealed class FixedTokenCredential(string token) : TokenCredential
    {
        public int Requests;
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => GetTokenAsync(requestContext, cancellationToken).AsTask().Result;
        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);
            Assert.Equal(["https://cognitiveservices.azure.com/.default"], requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1)));
        }
    }

    [Fact]
    public async Task Without_a_model_key_calls_carry_an_entra_id_token_as_azure_openai_expects()
    {
        var credential = new FixedTokenCredential("entra-token-123");
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Models:Default:ApiKey"] = "" },
            services => services.AddSingleton<TokenCredential>(credential));
        cloud.Models.ExpectedApiKey = "entra-token-123"; // the server refuses any other bearer

        var import = await cloud.Get<AppRegistry>().ImportAsync(CloudApps.LlmCodeIfElse, CancellationToken.None);
        var runs = cloud.Get<WorkflowRunService>();
        var first = await runs.WaitAsync(await runs.StartAsync(import.App!.Definition, new StartRunOptions { Inputs = new JsonObject { ["name"] = "Ada" } }, CancellationToken.None), CancellationToken.None);
        var second = await runs.WaitAsync(await runs.StartAsync(import.App!.Definition, new StartRunOptions { Inputs = new JsonObject { ["name"] = "Bo" } }, CancellationToken.None), CancellationToken.None);

        Assert.True(first.Status == WorkflowRunStatus.Succeeded, first.Error);
        Assert.True(second.Status == WorkflowRunStatus.Succeeded, second.Error);
        Assert.Equal(1, credential.Requests); // cached, not fetched per call
    }

    [Fact]
    public async Task An_unresolved_key_vault_reference_is_no_admin_key()
    {
        const string reference = "@Microsoft.KeyVault(VaultName=kv;SecretName=admin-api-key)";
        await using var cloud = await CloudHarness.StartAsync(azurite, new Dictionary<string, string?> { ["Admin:ApiKey"] = reference });

        using var request = new HttpRequestMessage(HttpMethod.Get, "console/api/apps");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reference);
        using var response = await cloud.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
