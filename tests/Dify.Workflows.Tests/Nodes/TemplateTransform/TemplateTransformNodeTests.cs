using System.Text.Json.Nodes;
using Dify.Workflows.Nodes;
using Dify.Workflows.Nodes.TemplateTransform;
using Dify.Workflows.Tests.Sandbox;
using Dify.Workflows.Variables;
using static Dify.Workflows.Tests.Nodes.Code.IoNodeHarness;

namespace Dify.Workflows.Tests.Nodes.TemplateTransform;

[Collection(SandboxCollection.Name)]
public sealed class TemplateTransformNodeTests(SandboxFixture fixture)
{
    private readonly TemplateTransformNode _node = new(fixture.Sandbox);

    private static JsonObject Data(string template) => new()
    {
        ["variables"] = JsonNode.Parse("""
            [{"variable": "scores", "value_selector": ["llm", "scores"]}, {"variable": "tags", "value_selector": ["start", "tags"]},
             {"variable": "user", "value_selector": ["start", "user"]}, {"variable": "missing", "value_selector": ["start", "nope"]}]
            """),
        ["template"] = template,
    };

    private static VariablePool Pool()
    {
        var pool = new VariablePool();
        pool.Set("llm", "scores", new JsonObject { ["a"] = 1, ["b"] = 2.5 });
        pool.Set("start", "tags", new JsonArray("x", "y", "z"));
        pool.Set("start", "user", new JsonObject { ["name"] = "Ada", ["admin"] = true });
        return pool;
    }

    [Fact]
    public async Task Renders_loops_over_dicts_tojson_and_join()
    {
        const string template = "{% for k, v in scores.items() %}{{ k }}={{ v }};{% endfor %}\n{{ tags | join(', ') }} ({{ tags | length }})\n"
            + "{{ user | tojson }}\n{% if user.admin %}admin {{ user.name | upper }}{% endif %} {{ missing is none }}";

        var result = await RunAsync(_node, Data(template), Pool());

        Assert.True(result.Status == NodeRunStatus.Succeeded, result.Error);
        Assert.Equal("a=1;b=2.5;\nx, y, z (3)\n{\"admin\": true, \"name\": \"Ada\"}\nadmin ADA True", result.Outputs["output"]!.GetValue<string>());
        Assert.Equal("{\"scores\":{\"a\":1,\"b\":2.5},\"tags\":[\"x\",\"y\",\"z\"],\"user\":{\"name\":\"Ada\",\"admin\":true},\"missing\":null}", result.Inputs!.ToJsonString());
    }

    [Fact]
    public async Task Output_over_the_limit_fails()
    {
        var node = new TemplateTransformNode(fixture.Sandbox, maxOutputLength: 10);

        var ok = await RunAsync(node, Data("{{ 'x' * 10 }}"), Pool());
        var tooLong = await RunAsync(node, Data("{{ 'x' * 11 }}"), Pool());

        Assert.Equal("xxxxxxxxxx", ok.Outputs["output"]!.GetValue<string>());
        Assert.Equal(NodeRunStatus.Failed, tooLong.Status);
        Assert.Equal("Output length exceeds 10 characters", tooLong.Error);
    }

    [Fact]
    public async Task Template_errors_fail_the_node()
    {
        var result = await RunAsync(_node, Data("{% for x in %}"), Pool());

        Assert.Equal(NodeRunStatus.Failed, result.Status);
        Assert.StartsWith("TemplateSyntaxError:", result.Error);
    }

    [Fact]
    public void Template_is_required()
    {
        Assert.Contains(Problems(_node, new JsonObject { ["variables"] = new JsonArray() }), p => p.Field == "template");
        Assert.Equal("template-transform", _node.NodeType);
    }
}
