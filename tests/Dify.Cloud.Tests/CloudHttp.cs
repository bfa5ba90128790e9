using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Dify.Cloud.Tests;

/// <summary>JSON calls against the harness's Kestrel endpoint, as a Dify client makes them.</summary>
internal static class CloudHttp
{
    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Sends and parses the answer, failing the test (with the body) unless the status is <paramref name="expected"/> (null: any 2xx).</summary>
    public static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string bearer, JsonNode? body, int? expected = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected is null ? response.IsSuccessStatusCode : (int)response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>Imports a DSL through the console API and returns the app id and a new Service API key.</summary>
    public static async Task<(string AppId, string Key)> ImportAsync(HttpClient http, string yaml)
    {
        var imported = await SendAsync(http, HttpMethod.Post, "console/api/apps/imports", CloudHarness.AdminKey, new JsonObject { ["mode"] = "yaml-content", ["yaml_content"] = yaml });
        var appId = imported["app_id"]!.GetValue<string>();
        var key = (await SendAsync(http, HttpMethod.Post, $"console/api/apps/{appId}/api-keys", CloudHarness.AdminKey, null))["token"]!.GetValue<string>();
        return (appId, key);
    }
}
