using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dify.Api.Tests.Http;

public sealed class ObservabilityTests
{
    [Fact]
    public async Task Openapi_json_describes_exactly_the_mapped_routes()
    {
        await using var api = await ApiHost.StartAsync();
        var document = await api.JsonAsync(HttpMethod.Get, "openapi.json", null);
        Assert.Equal("3.0.3", document["openapi"]!.GetValue<string>());
        var documented = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {p.Key}"))
            .Order().ToList();

        var mapped = api.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {"/" + e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order().ToList();
        Assert.Equal(mapped, documented);
    }

    [Fact]
    public async Task Metrics_count_runs_requests_and_latency_per_route()
    {
        await using var api = await ApiHost.StartAsync();
        var (_, key) = await api.ImportAsync("hello.yml");
        await api.JsonAsync(HttpMethod.Post, "v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject { ["name"] = "Ada" }, ["user"] = "m" });
        await api.StreamAsync("v1/workflows/run", key, new JsonObject { ["inputs"] = new JsonObject(), ["response_mode"] = "streaming", ["user"] = "m" });
        await api.JsonAsync(HttpMethod.Get, "v1/workflows/run/nope", key, status: 404);

        // The streamed run's stream can end just before the tracker records it.
        string text;
        var until = DateTime.UtcNow.AddSeconds(10);
        do
        {
            using var response = await api.Http.GetAsync("metrics");
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync();
        }
        while (!text.Contains("dify_runs_active 0\n") && DateTime.UtcNow < until && await Task.Delay(50).ContinueWith(_ => true));
        Assert.Contains("dify_runs_started_total 2\n", text);
        Assert.Contains("dify_runs_finished_total{status=\"succeeded\"} 2\n", text);
        Assert.Contains("dify_runs_active 0\n", text);
        Assert.Contains("dify_sse_clients 0\n", text);
        Assert.Contains("dify_http_requests_total{method=\"POST\",route=\"/v1/workflows/run\",status=\"200\"} 2\n", text);
        Assert.Contains("dify_http_requests_total{method=\"GET\",route=\"/v1/workflows/run/{runId}\",status=\"404\"} 1\n", text);
        Assert.Contains("dify_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/workflows/run\"} 2\n", text);
        Assert.Contains("dify_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/workflows/run\",le=\"+Inf\"} 2\n", text);
    }
}
