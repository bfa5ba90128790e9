using System.Text.Json.Nodes;
using Dify.Workflows.Sandbox;

namespace Dify.Workflows.Tests.Sandbox;

[Collection(SandboxCollection.Name)]
public sealed class Jinja2SandboxTests(SandboxFixture fixture)
{
    [Fact]
    public async Task Renders_loops_over_dicts_filters_and_conditions()
    {
        var inputs = new JsonObject
        {
            ["user"] = new JsonObject { ["name"] = "Ada", ["langs"] = new JsonArray("py", "js") },
            ["scores"] = new JsonObject { ["a"] = 1, ["b"] = 2 },
            ["admin"] = false,
        };
        const string template = """
            {% for k, v in scores.items() %}{{ k }}={{ v }};{% endfor %}
            {{ user.langs | join(", ") }} ({{ user.langs | length }})
            {{ user | tojson }}
            {% if admin %}admin{% else %}guest {{ user.name | upper }}{% endif %}
            """;

        var result = await fixture.RunAsync(CodeLanguage.Jinja2, template, inputs);

        Assert.Equal(JsonValueKindString, result!.GetValueKind());
        Assert.Equal("a=1;b=2;\npy, js (2)\n{\"langs\": [\"py\", \"js\"], \"name\": \"Ada\"}\nguest ADA", result.GetValue<string>());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindString = System.Text.Json.JsonValueKind.String;

    [Fact]
    public async Task Template_syntax_error_is_reported()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() => fixture.RunAsync(CodeLanguage.Jinja2, "ok\n{% for x in %}"));

        Assert.StartsWith("TemplateSyntaxError:", e.Message);
        Assert.Contains("(line 2)", e.Message);
    }

    [Fact]
    public async Task Sandboxed_environment_blocks_unsafe_attribute_access()
    {
        var e = await Assert.ThrowsAsync<CodeExecutionException>(() =>
            fixture.RunAsync(CodeLanguage.Jinja2, "{{ ''.__class__.__mro__[1].__subclasses__() }}"));

        Assert.StartsWith("SecurityError:", e.Message);
    }
}
