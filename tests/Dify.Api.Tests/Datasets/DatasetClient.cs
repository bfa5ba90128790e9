using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

/// <summary>The Knowledge API of a real host, as a Dify client calls it: a dataset key, JSON and multipart requests.</summary>
internal sealed class DatasetClient(ApiHost api, string key)
{
    public ApiHost Api { get; } = api;
    public string Key { get; } = key;

    public static async Task<DatasetClient> CreateAsync(ApiHost api)
    {
        var created = await api.JsonAsync(HttpMethod.Post, "console/api/datasets/api-keys", ApiHost.AdminKey);
        return new DatasetClient(api, created["token"]!.GetValue<string>());
    }

    public Task<JsonObject> JsonAsync(HttpMethod method, string path, JsonNode? body = null, int status = 200) => Api.JsonAsync(method, "v1/" + path, Key, body, status);

    public async Task<int> StatusAsync(HttpMethod method, string path)
    {
        using var response = await Api.SendAsync(method, "v1/" + path, Key);
        return (int)response.StatusCode;
    }

    public async Task<string> CreateDatasetAsync(string name, string? technique = "high_quality")
    {
        var body = new JsonObject { ["name"] = name };
        if (technique is not null) body["indexing_technique"] = technique;
        return (await JsonAsync(HttpMethod.Post, "datasets", body))["id"]!.GetValue<string>();
    }

    public Task<JsonObject> CreateByTextAsync(string datasetId, string name, string text, JsonObject? processRule = null) =>
        JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/document/create-by-text", new JsonObject
        {
            ["name"] = name,
            ["text"] = text,
            ["indexing_technique"] = "high_quality",
            ["process_rule"] = processRule ?? new JsonObject { ["mode"] = "automatic" },
        });

    public async Task<JsonObject> PostFileAsync(string path, string fileName, string content, JsonObject? data, int status = 200)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(content));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/markdown");
        form.Add(file, "file", fileName);
        if (data is not null) form.Add(new StringContent(data.ToJsonString(), Encoding.UTF8), "data");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/" + path) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var response = await Api.Http.SendAsync(request);
        var json = await ApiHost.JsonAsync(response);
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {json.ToJsonString()}");
        return json;
    }

    /// <summary>Polls indexing-status until every document of the batch is completed or in error.</summary>
    public async Task<JsonObject> WaitIndexedAsync(string datasetId, string batch)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await JsonAsync(HttpMethod.Get, $"datasets/{datasetId}/documents/{batch}/indexing-status");
            var entries = status["data"]!.AsArray().Select(e => e!["indexing_status"]!.GetValue<string>()).ToList();
            if (entries.All(s => s is "completed" or "error")) return status;
            Assert.True(DateTime.UtcNow < until, "indexing did not finish: " + status.ToJsonString());
            await Task.Delay(50);
        }
    }

    public async Task<(string DocumentId, string Batch)> AddTextAsync(string datasetId, string name, string text, JsonObject? processRule = null)
    {
        var created = await CreateByTextAsync(datasetId, name, text, processRule);
        var batch = created["batch"]!.GetValue<string>();
        var status = await WaitIndexedAsync(datasetId, batch);
        Assert.Equal("completed", status["data"]![0]!["indexing_status"]!.GetValue<string>());
        return (created["document"]!["id"]!.GetValue<string>(), batch);
    }

    public async Task<JsonArray> RetrieveAsync(string datasetId, string query, JsonObject? retrievalModel = null)
    {
        var body = new JsonObject { ["query"] = query };
        if (retrievalModel is not null) body["retrieval_model"] = retrievalModel.DeepClone();
        return (await JsonAsync(HttpMethod.Post, $"datasets/{datasetId}/retrieve", body))["records"]!.AsArray();
    }

    public static void AssertKeys(JsonNode? node, params string[] keys)
    {
        var o = Assert.IsType<JsonObject>(node);
        var missing = keys.Where(k => !o.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"missing {string.Join(", ", missing)} in {o.ToJsonString()}");
    }
}
