using System.Text.Json.Nodes;
using Dify.Api.Tests.Http;

namespace Dify.Api.Tests.Datasets;

public sealed class DatasetKeyTests
{
    [Fact]
    public async Task Dataset_routes_need_a_dataset_key_and_keys_are_managed_with_the_admin_key()
    {
        await using var api = await ApiHost.StartAsync();
        var created = await api.JsonAsync(HttpMethod.Post, "console/api/datasets/api-keys", ApiHost.AdminKey);
        DatasetClient.AssertKeys(created, "id", "type", "token", "created_at");
        Assert.Equal("dataset", created["type"]!.GetValue<string>());
        var token = created["token"]!.GetValue<string>();
        Assert.StartsWith("dataset-", token, StringComparison.Ordinal);
        Assert.Equal(32, token.Length);

        var listed = await api.JsonAsync(HttpMethod.Get, "console/api/datasets/api-keys", ApiHost.AdminKey);
        var entry = Assert.Single(listed["data"]!.AsArray());
        Assert.Equal(created["id"]!.GetValue<string>(), entry!["id"]!.GetValue<string>());
        Assert.Null(entry["token"]); // only its hash is stored

        Assert.Equal(200, (int)(await api.SendAsync(HttpMethod.Get, "v1/datasets", token)).StatusCode);

        var (_, appKey) = await api.ImportAsync("hello.yml");
        foreach (var wrong in new[] { null, "dataset-" + new string('x', 24), appKey, ApiHost.AdminKey })
        {
            var error = await api.JsonAsync(HttpMethod.Get, "v1/datasets", wrong, status: 401);
            Assert.Equal("unauthorized", error["code"]!.GetValue<string>());
            Assert.Equal(401, error["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        }
        // A dataset key does not open the app routes either, nor the console.
        Assert.Equal(401, (int)(await api.SendAsync(HttpMethod.Post, "v1/workflows/run", token, new JsonObject { ["inputs"] = new JsonObject(), ["user"] = "u" })).StatusCode);
        Assert.Equal(401, (int)(await api.SendAsync(HttpMethod.Post, "console/api/datasets/api-keys", token)).StatusCode);
        Assert.Equal(401, (int)(await api.SendAsync(HttpMethod.Get, "console/api/datasets/api-keys", null)).StatusCode);

        using var deleted = await api.Admin(HttpMethod.Delete, $"console/api/datasets/api-keys/{created["id"]}");
        Assert.Equal(204, (int)deleted.StatusCode);
        Assert.Equal(401, (int)(await api.SendAsync(HttpMethod.Get, "v1/datasets", token)).StatusCode);
        Assert.Equal("not_found", (await api.JsonAsync(HttpMethod.Delete, $"console/api/datasets/api-keys/{created["id"]}", ApiHost.AdminKey, status: 404))["code"]!.GetValue<string>());
    }
}
